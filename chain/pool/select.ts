// Pool views: the mining selection (PROTOCOL §8) and the txTip order (§9). Pure functions over
// the pool's sender queues, so they are easy to test and never mutate the pool.
import { toHex } from '../hex.js'
import type { StateView } from '../state/account.js'
import type { Transaction } from '../tx.js'
import { type PoolEntry, byFeeDesc } from './entry.js'

export type SenderQueues = ReadonlyMap<string, Map<number, PoolEntry>>

/**
 * Highest fees first while keeping each sender's nonces in order: only a sender's next nonce
 * (state nonce + 1, then + 2 once that is taken, …) is ever a candidate, so tx n+2 never comes
 * before n+1 and a sender whose next nonce is missing is skipped. At most `max` transactions.
 * Heads are few (one per sender) and `max` is small, so a linear scan per pick is enough.
 */
export function selectForMining (queues: SenderQueues, state: StateView, max: number): Transaction[] {
  const heads: PoolEntry[] = []
  for (const queue of queues.values()) {
    const first = queue.values().next().value
    if (first === undefined) continue
    const head = queue.get((state.getAccount(first.tx.f)?.nonce ?? 0) + 1)
    if (head !== undefined) heads.push(head)
  }
  const out: Transaction[] = []
  while (out.length < max && heads.length > 0) {
    let best = 0
    for (let k = 1; k < heads.length; k++) if (byFeeDesc(heads[k], heads[best]) < 0) best = k
    const e = heads[best]
    out.push(e.tx)
    const next = queues.get(e.sender)?.get(e.tx.n + 1)
    if (next !== undefined) heads[best] = next
    else heads.splice(best, 1)
  }
  return out
}

/** The best `k` entries by fee (linear, keeps a small sorted array). */
export function topByFee (entries: Iterable<PoolEntry>, k: number, skip?: (e: PoolEntry) => boolean): PoolEntry[] {
  const top: PoolEntry[] = []
  if (k <= 0) return top
  for (const e of entries) {
    if (skip?.(e) === true) continue
    if (top.length === k && byFeeDesc(e, top[k - 1]) >= 0) continue
    let at = top.length
    while (at > 0 && byFeeDesc(e, top[at - 1]) < 0) at--
    top.splice(at, 0, e)
    if (top.length > k) top.pop()
  }
  return top
}

/** txTip order: own pending first (each sender's nonces in order), then the highest fees, ≤ max ids. */
export function tipOrder (queues: SenderQueues, byId: ReadonlyMap<string, PoolEntry>, ownKeys: Iterable<Uint8Array>, max: number): Uint8Array[] {
  const own: PoolEntry[] = []
  const ownSenders = new Set<string>()
  for (const key of ownKeys) {
    const hex = toHex(key)
    ownSenders.add(hex)
    const queue = queues.get(hex)
    if (queue !== undefined) own.push(...[...queue.values()].sort((a, b) => a.tx.n - b.tx.n))
  }
  const picked = own.slice(0, max)
  const rest = topByFee(byId.values(), max - picked.length, e => ownSenders.has(e.sender))
  return [...picked, ...rest].map(e => e.id)
}
