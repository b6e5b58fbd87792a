// Admission checks (PROTOCOL §8) as small verb-named steps. They read the pool and the tip state
// and throw a coded ChainError; the pool mutates itself only after every step has passed.
// The cheap pool and state checks run before checkTxStatic, whose signature check is the one
// expensive step, so a flood of hopeless transactions costs little.
import { ChainError } from '../errors.js'
import { MAX_SAFE_INT } from '../constants.js'
import type { Transaction } from '../tx.js'
import type { Account } from '../state/account.js'
import { type PoolEntry, type PoolLimits, inNonceOrder, lowestEntry } from './entry.js'

export interface AdmitView {
  byId: ReadonlyMap<string, PoolEntry>
  /** The sender's queue (nonce → entry). */
  queue: Map<number, PoolEntry> | undefined
  queueOf: (sender: string) => Map<number, PoolEntry> | undefined
  account: Account | undefined
  limits: PoolLimits
  now: number
}

export interface AdmitPlan {
  /** Same sender and nonce, lower fee: leaves the pool. */
  replaces?: PoolEntry
  /** Lowest fee (and the same sender's later nonces that depend on it): leave to make room. */
  evicts: PoolEntry[]
}

export function checkNotDuplicate (idHex: string, v: AdmitView): void {
  if (v.byId.has(idHex)) throw new ChainError('POOL_DUPLICATE', `transaction ${idHex} is already pooled`, { id: idHex })
}

export function checkAge (tx: Transaction, v: AdmitView): void {
  if (tx.t < v.now - v.limits.maxAgeS) {
    throw new ChainError('POOL_TX_TOO_OLD', `timestamp ${tx.t} is more than ${v.limits.maxAgeS} s before now (${v.now})`)
  }
}

export function checkNonceWindow (tx: Transaction, v: AdmitView): void {
  const nonce = v.account?.nonce ?? 0
  if (tx.n <= nonce) throw new ChainError('POOL_NONCE_TOO_LOW', `nonce ${tx.n}, sender is at ${nonce}`, { nonce, got: tx.n })
  if (tx.n > nonce + v.limits.nonceWindow) {
    throw new ChainError('POOL_NONCE_TOO_HIGH', `nonce ${tx.n} beyond ${nonce} + ${v.limits.nonceWindow}`, { nonce, got: tx.n })
  }
}

/** Returns the entry this tx would replace, if any. */
export function checkReplacement (tx: Transaction, v: AdmitView): PoolEntry | undefined {
  const old = v.queue?.get(tx.n)
  if (old !== undefined && tx.e <= old.tx.e) {
    throw new ChainError('POOL_REPLACEMENT_FEE_TOO_LOW', `fee ${tx.e} does not beat the pooled ${old.tx.e} for nonce ${tx.n}`, { fee: old.tx.e })
  }
  return old
}

export function checkSenderLimit (v: AdmitView, replaces: PoolEntry | undefined): void {
  const count = v.queue?.size ?? 0
  if (replaces === undefined && count >= v.limits.maxPerSender) {
    throw new ChainError('POOL_SENDER_LIMIT', `sender already has ${count} pooled transactions`, { limit: v.limits.maxPerSender })
  }
}

/** The balance covers every pooled tx of the sender plus this one (the replaced one excluded). */
export function checkBalance (cost: number, v: AdmitView, replaces: PoolEntry | undefined): void {
  const balance = v.account?.balance ?? 0
  let total = cost
  for (const e of v.queue?.values() ?? []) {
    if (e !== replaces) total += e.cost
    if (total > MAX_SAFE_INT) break // already beyond any balance; stop before precision goes
  }
  if (total > balance) {
    throw new ChainError('POOL_INSUFFICIENT_BALANCE', `pooled spending ${total} exceeds balance ${balance}`, { balance, total })
  }
}

/**
 * When full, the lowest fee goes first, with the same sender's later nonces (they can no longer
 * be mined). A newcomer that does not beat the lowest fee, or that would itself depend on an
 * evicted nonce, is refused.
 */
export function planRoom (tx: Transaction, sender: string, v: AdmitView, replaces: PoolEntry | undefined): PoolEntry[] {
  if (replaces !== undefined || v.byId.size < v.limits.maxTxs) return []
  const low = lowestEntry(v.byId.values())
  if (low === undefined || tx.e <= low.tx.e) {
    throw new ChainError('POOL_FULL', `pool holds ${v.byId.size} transactions and fee ${tx.e} does not beat the lowest`, { limit: v.limits.maxTxs })
  }
  if (low.sender === sender && tx.n > low.tx.n) {
    throw new ChainError('POOL_FULL', `pool is full and nonce ${tx.n} would depend on evicted nonce ${low.tx.n}`)
  }
  // The sender's queue of `low` is always present: every pooled entry sits in its sender's queue.
  return inNonceOrder(v.queueOf(low.sender)).filter(e => e.tx.n >= low.tx.n)
}
