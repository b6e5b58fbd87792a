// Transaction fetches of a branch being synced, in import order, a bounded number at once.
import type { Block } from '../../chain/block.js'
import { toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'

/** How many times a transaction is asked for, and how many extra asks one walk may spend. */
export interface RetryLimits {
  /** Tries per transaction (1: never asked again). */
  attempts: number
  /** Extra tries over the whole walk. */
  budget: number
}

interface Job {
  id: Uint8Array
  tries: number
  /** The walk's delivered count when this id was first asked. */
  deliveredAtFirst: number
  resolve: (t: Transaction | null) => void
}

/**
 * Transaction fetches for a branch being walked: `want` queues ids as blocks arrive (lowest blocks
 * first, the import order), at most `limit` fetches run at once, in the order wanted, and `take`
 * waits for a run of blocks' transactions. Ids already stored are never fetched.
 *
 * A fetch that came back empty is asked again (first in line, so the import order holds) only when
 * the peer is evidently serving this branch: another of the walk's transactions arrived since it was
 * first asked. A busy peer's late answer then costs one more get instead of the whole walk (the
 * sync used to end with SYNC_TXS_MISSING and walk the branch again from a new tip probe), while a
 * peer that lacks the branch's transactions fails every fetch, is never asked again, and the walk
 * ends as soon as before (a walk holds the one-walk slot: a voting round's branch fetch waits on it).
 */
export class TxPrefetch {
  private readonly results = new Map<string, Promise<Transaction | null>>()
  private readonly queue: Job[] = []
  private active = 0
  private closed = false
  /** Fetches of this walk that answered, and extra tries spent so far. */
  private delivered = 0
  retries = 0
  /** Most fetches in flight at once (for tests and the debug line). */
  peakActive = 0

  constructor (
    private readonly fetch: (id: Uint8Array) => Promise<Transaction | null>,
    private readonly stored: (id: Uint8Array) => boolean,
    private readonly limit: number,
    private readonly retry: RetryLimits = { attempts: 1, budget: 0 }
  ) {}

  want (ids: readonly Uint8Array[]): void {
    for (const id of ids) {
      const k = toHex(id)
      if (this.results.has(k) || this.stored(id)) continue
      this.results.set(k, new Promise(resolve => this.queue.push({ id, tries: 0, deliveredAtFirst: -1, resolve })))
    }
    this.pump()
  }

  private pump (): void {
    while (!this.closed && this.active < this.limit && this.queue.length > 0) this.start(this.queue.shift()!)
  }

  private start (job: Job): void {
    this.active++
    if (this.active > this.peakActive) this.peakActive = this.active
    if (job.tries++ === 0) job.deliveredAtFirst = this.delivered
    this.fetch(job.id).catch(() => null).then(t => {
      this.active--
      if (t !== null) {
        this.delivered++
        job.resolve(t)
      } else if (this.mayRetry(job)) {
        this.retries++
        this.queue.unshift(job)
      } else {
        job.resolve(null)
      }
      this.pump()
    }, () => {})
  }

  /** Another of this walk's fetches answered since this id was first asked, and tries are left. */
  private mayRetry (job: Job): boolean {
    return !this.closed && this.delivered > job.deliveredAtFirst && job.tries < this.retry.attempts && this.retries < this.retry.budget
  }

  /** The blocks' transactions not yet stored, by hex id; null if one could not be had. */
  async take (blocks: readonly Block[]): Promise<Map<string, Transaction> | null> {
    const out = new Map<string, Transaction>()
    for (const b of blocks) {
      this.want(b.x)
      for (const id of b.x) {
        const k = toHex(id)
        const p = this.results.get(k)
        if (p === undefined) continue // stored
        const tx = await p
        if (tx === null) return null
        out.set(k, tx)
        this.results.delete(k)
      }
    }
    return out
  }

  /** Stops starting fetches; queued ones resolve null. */
  close (): void {
    this.closed = true
    for (const job of this.queue.splice(0)) job.resolve(null)
  }
}
