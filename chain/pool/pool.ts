// The transaction pool (PROTOCOL §8): bounded (POOL_MAX_TXS in all, POOL_MAX_TXS_PER_SENDER per
// sender), admitted against the current tip state, re-checked when the tip changes. It holds no
// other state than two maps whose sizes the limits bound.
import { ChainError, isChainError } from '../errors.js'
import { MAX_TXS_PER_BLOCK, POOL_TIP_MAX_IDS } from '../constants.js'
import { toHex } from '../hex.js'
import { type Transaction, txCost, txId } from '../tx.js'
import type { StateView } from '../state/account.js'
import { type TxRules, checkTxStatic } from '../state/transition.js'
import { type PoolEntry, type PoolLimits, DEFAULT_POOL_LIMITS, byFeeDesc, inNonceOrder } from './entry.js'
import {
  type AdmitView, checkAge, checkBalance, checkNonceWindow, checkNotDuplicate, checkReplacement, checkSenderLimit, planRoom
} from './admit.js'
import { selectForMining, tipOrder } from './select.js'

export interface PoolOptions {
  rules: TxRules
  /** State after the current tip; read on every admission and revalidation. */
  getState: () => StateView
  /** Unix seconds. */
  now: () => number
  limits?: Partial<PoolLimits>
}

export interface AddResult {
  id: Uint8Array
  replaced?: Transaction
  evicted: Transaction[]
}

export class TxPool {
  readonly limits: PoolLimits
  private readonly byId = new Map<string, PoolEntry>()
  /** sender hex → nonce → entry. A sender appears only while it has entries. */
  private readonly bySender = new Map<string, Map<number, PoolEntry>>()
  private seq = 0

  constructor (private readonly opts: PoolOptions) {
    this.limits = { ...DEFAULT_POOL_LIMITS, ...opts.limits }
  }

  get size (): number { return this.byId.size }
  has (id: Uint8Array): boolean { return this.byId.has(toHex(id)) }
  get (id: Uint8Array): Transaction | undefined { return this.byId.get(toHex(id))?.tx }

  /** Admits `tx` or throws a coded ChainError (POOL_* from the pool, TX_* from the static checks). */
  add (tx: Transaction): AddResult {
    const id = txId(tx)
    const idHex = toHex(id)
    const sender = toHex(tx.f)
    const view = this.viewFor(sender, tx.f)
    checkNotDuplicate(idHex, view)
    checkAge(tx, view)
    checkNonceWindow(tx, view)
    const replaces = checkReplacement(tx, view)
    checkSenderLimit(view, replaces)
    const cost = txCost(tx)
    checkBalance(cost, view, replaces)
    const evicts = planRoom(tx, sender, view, replaces)
    checkTxStatic(tx, this.opts.rules, view.now)

    if (replaces !== undefined) this.removeEntry(replaces)
    for (const e of evicts) this.removeEntry(e)
    this.insert({ tx, id, idHex, sender, seq: this.seq++, cost })
    return { id, replaced: replaces?.tx, evicted: evicts.map(e => e.tx) }
  }

  /** Like add, but reports refusal as a code instead of throwing (for gossip-fed admission). */
  tryAdd (tx: Transaction): AddResult | { error: ChainError } {
    try {
      return this.add(tx)
    } catch (e) {
      if (isChainError(e)) return { error: e }
      throw e
    }
  }

  remove (id: Uint8Array): Transaction | undefined {
    const e = this.byId.get(toHex(id))
    if (e !== undefined) this.removeEntry(e)
    return e?.tx
  }

  /** Drops the transactions of a newly connected block, and any pooled tx using the same sender+nonce. */
  removeMined (txs: Iterable<Transaction>): void {
    for (const tx of txs) {
      const e = this.byId.get(toHex(txId(tx))) ?? this.bySender.get(toHex(tx.f))?.get(tx.n)
      if (e !== undefined) this.removeEntry(e)
    }
  }

  /**
   * Offers the transactions of rolled-back blocks again (call after the new tip's state is in
   * place, in chain order). Those still valid come back; returns them.
   */
  readmit (txs: Iterable<Transaction>): Transaction[] {
    const back: Transaction[] = []
    for (const tx of txs) if (!('error' in this.tryAdd(tx))) back.push(tx)
    return back
  }

  /**
   * After a tip change: drops what the new state makes invalid (nonce now used or out of the
   * window, too old, or beyond the balance counted in nonce order). Returns the dropped txs.
   */
  revalidate (): Transaction[] {
    const state = this.opts.getState()
    const oldest = this.opts.now() - this.limits.maxAgeS
    const dropped: Transaction[] = []
    for (const queue of [...this.bySender.values()]) {
      const entries = inNonceOrder(queue)
      const account = state.getAccount(entries[0].tx.f)
      const nonce = account?.nonce ?? 0
      let left = account?.balance ?? 0
      for (const e of entries) {
        // Once the balance runs out, every later nonce of the sender goes too (as on admission).
        if (e.cost > left) left = -1
        const keep = left >= 0 && e.tx.n > nonce && e.tx.n <= nonce + this.limits.nonceWindow && e.tx.t >= oldest
        if (keep) { left -= e.cost; continue }
        this.removeEntry(e)
        dropped.push(e.tx)
      }
    }
    return dropped
  }

  /** Mining candidates against `state` (default: the tip state). */
  selectForMining (state: StateView = this.opts.getState(), max = MAX_TXS_PER_BLOCK): Transaction[] {
    return selectForMining(this.bySender, state, max)
  }

  /** Ids for the txTip channel: own pending first, then the highest fees. */
  tipIds (ownKeys: Iterable<Uint8Array>, max = POOL_TIP_MAX_IDS): Uint8Array[] {
    return tipOrder(this.bySender, this.byId, ownKeys, max)
  }

  /** Every pooled tx, highest fee first. */
  pending (): Transaction[] {
    return [...this.byId.values()].sort(byFeeDesc).map(e => e.tx)
  }

  /** One sender's pooled txs in nonce order. */
  senderTxs (key: Uint8Array): Transaction[] {
    return inNonceOrder(this.bySender.get(toHex(key))).map(e => e.tx)
  }

  /** The nonce a new tx from `key` should carry: after the state nonce and the contiguous pooled run. */
  nextNonce (key: Uint8Array): number {
    let n = (this.opts.getState().getAccount(key)?.nonce ?? 0) + 1
    const queue = this.bySender.get(toHex(key))
    while (queue?.has(n) === true) n++
    return n
  }

  clear (): void {
    this.byId.clear()
    this.bySender.clear()
  }

  private viewFor (sender: string, key: Uint8Array): AdmitView {
    return {
      byId: this.byId,
      queue: this.bySender.get(sender),
      queueOf: s => this.bySender.get(s),
      account: this.opts.getState().getAccount(key),
      limits: this.limits,
      now: this.opts.now()
    }
  }

  private insert (e: PoolEntry): void {
    this.byId.set(e.idHex, e)
    let queue = this.bySender.get(e.sender)
    if (queue === undefined) this.bySender.set(e.sender, queue = new Map())
    queue.set(e.tx.n, e)
  }

  private removeEntry (e: PoolEntry): void {
    this.byId.delete(e.idHex)
    const queue = this.bySender.get(e.sender)
    if (queue?.get(e.tx.n) === e) queue.delete(e.tx.n)
    if (queue?.size === 0) this.bySender.delete(e.sender)
  }
}
