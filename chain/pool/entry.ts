// Pool entries, limits and the one fee order every pool view uses.
import {
  POOL_MAX_TX_AGE_S, POOL_MAX_TXS, POOL_MAX_TXS_PER_SENDER, POOL_NONCE_WINDOW
} from '../constants.js'
import type { Transaction } from '../tx.js'

export interface PoolEntry {
  readonly tx: Transaction
  readonly id: Uint8Array
  readonly idHex: string
  readonly sender: string
  /** Arrival counter: equal fees go first-come first-served. */
  readonly seq: number
  /** Amount + fee: what the sender's balance must cover. */
  readonly cost: number
}

export interface PoolLimits {
  /** Transactions in the whole pool. */
  maxTxs: number
  /** Transactions per sender. */
  maxPerSender: number
  /** Admitted nonces lie in (sender nonce, sender nonce + nonceWindow]. */
  nonceWindow: number
  /** Oldest admitted timestamp, in seconds before now. */
  maxAgeS: number
}

export const DEFAULT_POOL_LIMITS: Readonly<PoolLimits> = Object.freeze({
  maxTxs: POOL_MAX_TXS,
  maxPerSender: POOL_MAX_TXS_PER_SENDER,
  nonceWindow: POOL_NONCE_WINDOW,
  maxAgeS: POOL_MAX_TX_AGE_S
})

/** Highest fee first, then first come. Negative when `a` ranks before `b`. */
export function byFeeDesc (a: PoolEntry, b: PoolEntry): number {
  return a.tx.e !== b.tx.e ? b.tx.e - a.tx.e : a.seq - b.seq
}

/** The entry that goes first when the pool is full: lowest fee, and among equals the newest. */
export function lowestEntry (entries: Iterable<PoolEntry>, except?: PoolEntry): PoolEntry | undefined {
  let low: PoolEntry | undefined
  for (const e of entries) {
    if (e === except) continue
    if (low === undefined || byFeeDesc(e, low) > 0) low = e
  }
  return low
}

/** A sender's entries in nonce order (at most maxPerSender, so sorting is cheap). */
export function inNonceOrder (queue: Map<number, PoolEntry> | undefined): PoolEntry[] {
  if (queue === undefined) return []
  return [...queue.values()].sort((a, b) => a.tx.n - b.tx.n)
}
