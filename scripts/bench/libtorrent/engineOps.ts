// One operation of the libtorrent bench's workload on one of our engines, timed where it is
// issued. The same code runs in the bench's own process (single-process topology) and in each
// engine process (swarmWorker.ts), so both topologies measure exactly the same calls: Putter for
// puts (what the node uses), the engine's recursive lookup plus Getter's verification for gets.
import type { KeyPair } from '../../../chain/crypto.js'
import { sha256 } from '../../../chain/crypto.js'
import type { DhtEngine } from '../../../dht/engine.js'
import type { Putter } from '../../../dht/put.js'
import { LookupVerifier, verifyImmutable, verifyMutable } from '../../../dht/verify.js'
import { mutableTarget } from '../../../dht/wire.js'

/** What the bench asks one node (by its index in the whole swarm) to do. */
export type OpRequest =
  | { kind: 'putImmutable', node: number, value: Uint8Array }
  | { kind: 'getImmutable', node: number, value: Uint8Array }
  | { kind: 'putMutable', node: number, salt: Uint8Array, value: Uint8Array, keyPair: KeyPair }
  | { kind: 'getMutable', node: number, k: Uint8Array, salt: Uint8Array, value: Uint8Array }

export interface OpResult {
  ok: boolean
  /** Wall time of the whole operation where it was issued, ms. */
  latMs: number
  /** Mutable get: time to the first verified answer carrying a value, ms. */
  firstMs?: number
}

/** Swarm-wide counters, summed over every node (and every process of the swarm). */
export interface SwarmCounters {
  /** CPU (user + system) of the processes running engines, ms since they started. */
  cpuMs: number
  packetsOut: number
  verifies: number
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(b)

/** One recursive mutable get: when the first verified value arrived, and whether the end result checks. */
async function mutableGet (e: DhtEngine, k: Uint8Array, salt: Uint8Array, value: Uint8Array, t0: number): Promise<{ firstMs?: number, ok: boolean }> {
  const target = mutableTarget(k, salt)
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
  return { firstMs: firstMs ?? performance.now() - t0, ok: c.ok && same(c.item.value, value) }
}

/** Runs `req` on engine `e` (with its Putter `p`) and times it. Never rejects. */
export async function runOp (e: DhtEngine, p: Putter, req: OpRequest): Promise<OpResult> {
  const t0 = performance.now()
  const lat = (): number => performance.now() - t0
  try {
    switch (req.kind) {
      case 'putImmutable':
        return { ok: (await p.putImmutable(req.value).done).ok, latMs: lat() }
      case 'getImmutable': {
        const target = sha256(req.value)
        const res = await e.recursiveGet(target)
        const c = res === null ? null : verifyImmutable(res.v, target)
        return { ok: c !== null && c.ok && same(c.item, req.value), latMs: lat() }
      }
      case 'putMutable':
        return { ok: (await p.putMutable({ salt: req.salt, value: req.value, seq: 1, keyPair: req.keyPair }).done).ok, latMs: lat() }
      case 'getMutable': {
        const r = await mutableGet(e, req.k, req.salt, req.value, t0)
        return { ok: r.ok, latMs: lat(), ...(r.firstMs === undefined ? {} : { firstMs: r.firstMs }) }
      }
    }
  } catch {
    return { ok: false, latMs: lat() }
  }
}
