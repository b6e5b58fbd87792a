// Power-weighted peer sampling for a voting round (PROTOCOL §6): up to VOTE_MAX_PEERS distinct
// peers, each draw proportional to effective power ⌊√power⌋ in the node's state. Power-0 peers
// carry no weight and are never sampled, so keys without stake cannot stuff a round (anti-sybil).
import { VOTE_MAX_PEERS } from '../constants.js'
import { toHex } from '../hex.js'
import { effectivePower } from '../consensus/pot.js'
import type { Rng } from './rng.js'

export interface PeerCandidate {
  key: Uint8Array
  /** Raw power from the node's state; the weight is its integer square root. */
  power: number | bigint
}

/**
 * Weighted sampling without replacement: draw one peer with probability weight / total, remove
 * it, repeat. Duplicate keys count once (the first). Deterministic for a given rng and input order.
 */
export function samplePeers (candidates: readonly PeerCandidate[], max: number = VOTE_MAX_PEERS, rng: Rng): Uint8Array[] {
  const pool: Array<{ key: Uint8Array, weight: bigint }> = []
  const seen = new Set<string>()
  let total = 0n
  for (const c of candidates) {
    const hex = toHex(c.key)
    if (seen.has(hex)) continue
    seen.add(hex)
    const weight = effectivePower(c.power)
    if (weight <= 0n) continue
    pool.push({ key: c.key, weight })
    total += weight
  }
  const out: Uint8Array[] = []
  while (out.length < max && pool.length > 0) {
    let r = rng(total)
    let k = 0
    while (r >= pool[k].weight) { r -= pool[k].weight; k++ }
    out.push(pool[k].key)
    total -= pool[k].weight
    pool.splice(k, 1)
  }
  return out
}
