// The project's DHT on the libtorrent bench's workload: a 16-engine swarm on 127.0.0.1, in child
// processes or in this process (swarm.ts), one operation at a time, through the same calls the
// node makes (engineOps.ts). Latency is timed where the operation is issued; CPU is summed over
// every process running engines.
import { encodeCanonical } from '../../../chain/bencode.js'
import { type KeyPair, keyPairFromSeed } from '../../../chain/crypto.js'
import { randomBytes } from 'node:crypto'
import type { OpRequest, SwarmCounters } from './engineOps.js'
import type { PhaseResult, SideResult } from './ops.js'
import { startSwarm, type Swarm } from './swarm.js'

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
  private constructor (private readonly swarm: Swarm, private readonly c0: SwarmCounters) {}

  static async begin (swarm: Swarm): Promise<Phase> {
    return new Phase(swarm, await swarm.counters())
  }

  /** Runs one operation; returns its time to the first value (mutable get) when it succeeded. */
  async run (req: OpRequest): Promise<number | undefined> {
    const r = await this.swarm.op(req)
    if (!r.ok) {
      this.failed++
      return undefined
    }
    this.latMs.push(r.latMs)
    return r.firstMs
  }

  async done (): Promise<PhaseResult> {
    const c = await this.swarm.counters()
    return { latMs: this.latMs, cpuMs: c.cpuMs - this.c0.cpuMs, ops: this.latMs.length + this.failed, failed: this.failed, datagramsOut: c.packetsOut - this.c0.packetsOut }
  }
}

interface Workload { nodes: number, items: number, warmup: number, payload: number, processes: number }

/** Runs the five phases (after `warmup` untimed rounds of each) and stops the swarm. */
export async function runOurs (w: Workload): Promise<{ phases: SideResult, verifies: number, topology: string }> {
  const swarm = await startSwarm(w.nodes, w.processes, 'dht-lt-bench')
  const n = w.nodes
  const reader = (owner: number, i: number): number => (owner + 1 + (i % (n - 1))) % n
  try {
    const run = async (label: string, count: number): Promise<SideResult> => {
      const phases = {} as SideResult
      const keys: KeyPair[] = Array.from({ length: count }, (_, i) => keyPairFromSeed(`dht-lt-${label}-${i}`))
      const imm = Array.from({ length: count }, (_, i) => ({ owner: i % n, value: payloadOf(w.payload) }))
      let ph = await Phase.begin(swarm)
      for (const it of imm) await ph.run({ kind: 'putImmutable', node: it.owner, value: it.value })
      phases.immutablePut = await ph.done()
      ph = await Phase.begin(swarm)
      for (const [i, it] of imm.entries()) await ph.run({ kind: 'getImmutable', node: reader(it.owner, i), value: it.value })
      phases.immutableGet = await ph.done()
      const mut = Array.from({ length: count }, (_, i) => ({ owner: i % n, salt: new TextEncoder().encode(`bench-${label}-${i}`), value: payloadOf(w.payload) }))
      ph = await Phase.begin(swarm)
      for (const [i, it] of mut.entries()) await ph.run({ kind: 'putMutable', node: it.owner, salt: it.salt, value: it.value, keyPair: keys[i] })
      phases.mutablePut = await ph.done()
      ph = await Phase.begin(swarm)
      const first: number[] = []
      for (const [i, it] of mut.entries()) {
        const f = await ph.run({ kind: 'getMutable', node: reader(it.owner, i), k: keys[i].publicKey, salt: it.salt, value: it.value })
        if (f !== undefined) first.push(f)
      }
      const auth = await ph.done()
      phases.mutableGetAuthoritative = auth
      phases.mutableGetFirst = { ...auth, latMs: first }
      return phases
    }
    if (w.warmup > 0) await run('warmup', w.warmup)
    const v0 = (await swarm.counters()).verifies
    const phases = await run('timed', w.items)
    return { phases, verifies: (await swarm.counters()).verifies - v0, topology: swarm.topology }
  } finally {
    await swarm.stop()
  }
}
