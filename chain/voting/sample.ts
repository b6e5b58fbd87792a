// Power-weighted sampling for a voting round (PROTOCOL §6, version 2): up to VOTE_MAX_PEERS distinct
// keys, each draw proportional to the key's power (linear, not ⌊√power⌋: splitting one key's power
// over many keys must not add weight). Keys of weight 0 carry no stake and are never sampled, so keys
// that never sent a transaction cannot stuff a round.
import { VOTE_MAX_PEERS } from '../constants.js'
import { toHex } from '../hex.js'
import type { Rng } from './rng.js'

export interface WeightedKey {
  key: Uint8Array
  /** The key's power in the weight state (the node's main-chain block at cp(tip.n)). */
  weight: bigint
}

/**
 * Weighted sampling without replacement: draw one key with probability weight / total, remove it,
 * repeat. Duplicate keys count once (the first). Deterministic for a given rng and input order.
 */
export function samplePeers (candidates: readonly WeightedKey[], max: number = VOTE_MAX_PEERS, rng: Rng): WeightedKey[] {
  const pool: WeightedKey[] = []
  const seen = new Set<string>()
  let total = 0n
  for (const c of candidates) {
    const hex = toHex(c.key)
    if (seen.has(hex)) continue
    seen.add(hex)
    if (c.weight <= 0n) continue
    pool.push({ key: c.key, weight: c.weight })
    total += c.weight
  }
  const out: WeightedKey[] = []
  while (out.length < max && pool.length > 0) {
    let r = rng(total)
    let k = 0
    while (r >= pool[k].weight) { r -= pool[k].weight; k++ }
    out.push(pool[k])
    total -= pool[k].weight
    pool.splice(k, 1)
  }
  return out
}
