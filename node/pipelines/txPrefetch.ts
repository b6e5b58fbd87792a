// Transaction fetches of a branch being synced, in import order, a bounded number at once.
import type { Block } from '../../chain/block.js'
import { toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import { WalkRetries } from './syncRetry.js'

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
 * A fetch that came back empty is asked again (first in line, so the import order holds) when
 * `retries` (syncRetry.ts, shared with the walk's block fetches) allows.
 */
export class TxPrefetch {
  private readonly results = new Map<string, Promise<Transaction | null>>()
  private readonly queue: Job[] = []
  private active = 0
  private closed = false
  /** Most fetches in flight at once (for tests and the debug line). */
  peakActive = 0

  constructor (
    private readonly fetch: (id: Uint8Array) => Promise<Transaction | null>,
    private readonly stored: (id: Uint8Array) => boolean,
    private readonly limit: number,
    readonly retries: WalkRetries = new WalkRetries()
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
    if (job.tries++ === 0) job.deliveredAtFirst = this.retries.delivered
    this.fetch(job.id).catch(() => null).then(t => {
      this.active--
      if (t !== null) {
        this.retries.delivered++
        job.resolve(t)
      } else if (!this.closed && this.retries.again(job.tries, job.deliveredAtFirst)) {
        this.queue.unshift(job)
      } else {
        job.resolve(null)
      }
      this.pump()
    }, () => {})
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
