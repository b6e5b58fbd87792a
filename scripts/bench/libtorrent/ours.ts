// The project's DHT on the libtorrent bench's workload: a 16-engine swarm on 127.0.0.1 in this
// process, one operation at a time, through the same calls the node makes (Putter for puts; for
// gets the engine's recursive lookup with the verification Getter applies, so a reader that
// happens to hold a copy still walks the network, as libtorrent's get does).
import { encodeCanonical } from '../../../chain/bencode.js'
import { type KeyPair, keyPairFromSeed, sha256 } from '../../../chain/crypto.js'
import type { DhtEngine } from '../../../dht/engine.js'
import { Putter } from '../../../dht/put.js'
import { TestNet } from '../../../dht/testnet.js'
import { LookupVerifier, verifyImmutable, verifyMutable } from '../../../dht/verify.js'
import { mutableTarget } from '../../../dht/wire.js'
import { randomBytes } from 'node:crypto'
import type { PhaseResult, SideResult } from './ops.js'

/** A canonical one-key dict `{p: <bytes>}` whose whole encoding is `total` bytes (random content). */
export function payloadOf (total: number): Uint8Array {
  // d 1:p <len>: <bytes> e  →  total = 5 + digits(len) + 1 + len
  for (let len = total - 7; len > 0; len--) {
    const v = encodeCanonical({ p: new Uint8Array(randomBytes(len)) })
    if (v.length === total) return v
    if (v.length < total) break
  }
  throw new RangeError(`no {p: bytes} dict encodes to exactly ${total} bytes`)
}

class Phase {
  readonly latMs: number[] = []
  failed = 0
  private readonly sent0: number
  private readonly cpu0: NodeJS.CpuUsage

  /** `sent`: datagrams the whole swarm has sent so far. */
  constructor (private readonly sent: () => number) {
    this.sent0 = sent()
    this.cpu0 = process.cpuUsage()
  }

  async time (fn: () => Promise<boolean>): Promise<void> {
    const t0 = performance.now()
    const ok = await fn()
    if (ok) this.latMs.push(performance.now() - t0)
    else this.failed++
  }

  done (): PhaseResult {
    const c = process.cpuUsage(this.cpu0)
    return { latMs: this.latMs, cpuMs: (c.user + c.system) / 1000, ops: this.latMs.length + this.failed, failed: this.failed, datagramsOut: this.sent() - this.sent0 }
  }
}

interface Workload { nodes: number, items: number, warmup: number, payload: number }

/** One recursive mutable get: when the first verified value arrived, and whether the end result checks. */
async function mutableGet (e: DhtEngine, k: Uint8Array, salt: Uint8Array, value: Uint8Array): Promise<{ firstMs?: number, ok: boolean }> {
  const target = mutableTarget(k, salt)
  const t0 = performance.now()
  const lv = new LookupVerifier(k, salt, () => { e.stats.verifies++ })
  let firstMs: number | undefined
  const verify = (sig: Uint8Array, msg: Uint8Array, key: Uint8Array): boolean => {
    const ok = lv.verify(sig, msg, key)
    if (ok && firstMs === undefined) firstMs = performance.now() - t0
    return ok
  }
  const res = await e.recursiveGet(target, salt, verify)
  if (res === null) return { ok: false }
  const c = verifyMutable(res as unknown as Record<string, unknown>, salt, target, () => { e.stats.verifies++ }, lv.checked)
  // A reader that stores the item itself starts from its copy: its "first value" is the end.
  return { firstMs: firstMs ?? performance.now() - t0, ok: c.ok && Buffer.from(c.item.value).equals(value) }
}

/** Runs the five phases (after `warmup` untimed rounds of each) and stops the swarm. */
export async function runOurs (w: Workload): Promise<{ phases: SideResult, verifies: number }> {
  const net = await TestNet.start(w.nodes, { keySeed: 'dht-lt-bench' })
  const e = net.engines
  const putters = e.map(x => new Putter(x))
  const n = w.nodes
  const reader = (owner: number, i: number): number => (owner + 1 + (i % (n - 1))) % n
  const packets = (): number => e.reduce((a, x) => a + x.stats.traffic.packetsOut, 0)
  try {
    const run = async (label: string, count: number) => {
      const phases = {} as SideResult
      const keys: KeyPair[] = Array.from({ length: count }, (_, i) => keyPairFromSeed(`dht-lt-${label}-${i}`))
      const imm: Array<{ owner: number, value: Uint8Array }> = []
      let ph = new Phase(packets)
      for (let i = 0; i < count; i++) {
        const value = payloadOf(w.payload)
        const owner = i % n
        imm.push({ owner, value })
        await ph.time(async () => (await putters[owner].putImmutable(value).done).ok)
      }
      phases.immutablePut = ph.done()
      ph = new Phase(packets)
      for (const [i, it] of imm.entries()) {
        const target = sha256(it.value)
        await ph.time(async () => {
          const res = await e[reader(it.owner, i)].recursiveGet(target)
          const c = res === null ? null : verifyImmutable(res.v, target)
          return c !== null && c.ok && Buffer.from(c.item).equals(it.value)
        })
      }
      phases.immutableGet = ph.done()
      const mut: Array<{ owner: number, salt: Uint8Array, value: Uint8Array }> = []
      ph = new Phase(packets)
      for (let i = 0; i < count; i++) {
        const owner = i % n
        const salt = new TextEncoder().encode(`bench-${label}-${i}`)
        const value = payloadOf(w.payload)
        mut.push({ owner, salt, value })
        await ph.time(async () => (await putters[owner].putMutable({ salt, value, seq: 1, keyPair: keys[i] }).done).ok)
      }
      phases.mutablePut = ph.done()
      ph = new Phase(packets)
      const first: number[] = []
      for (const [i, it] of mut.entries()) {
        await ph.time(async () => {
          const r = await mutableGet(e[reader(it.owner, i)], keys[i].publicKey, it.salt, it.value)
          if (r.ok && r.firstMs !== undefined) first.push(r.firstMs)
          return r.ok
        })
      }
      const auth = ph.done()
      phases.mutableGetAuthoritative = auth
      phases.mutableGetFirst = { ...auth, latMs: first }
      return phases
    }
    if (w.warmup > 0) await run('warmup', w.warmup)
    const v0 = e.reduce((a, x) => a + x.stats.verifies, 0)
    const phases = await run('timed', w.items)
    return { phases, verifies: e.reduce((a, x) => a + x.stats.verifies, 0) - v0 }
  } finally {
    await net.stop()
  }
}
