// Transaction fetches of a branch being synced, in import order, a bounded number at once.
import type { Block } from '../../chain/block.js'
import { toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'

/**
 * Transaction fetches for a branch being walked: `want` queues ids as blocks arrive (lowest blocks
 * first, the import order), at most `limit` fetches run at once, in the order wanted, and `take`
 * waits for a run of blocks' transactions. Ids already stored are never fetched.
 */
export class TxPrefetch {
  private readonly results = new Map<string, Promise<Transaction | null>>()
  private readonly queue: Array<{ id: Uint8Array, resolve: (t: Transaction | null) => void }> = []
  private active = 0
  private closed = false

  constructor (
    private readonly fetch: (id: Uint8Array) => Promise<Transaction | null>,
    private readonly stored: (id: Uint8Array) => boolean,
    private readonly limit: number
  ) {}

  want (ids: readonly Uint8Array[]): void {
    for (const id of ids) {
      const k = toHex(id)
      if (this.results.has(k) || this.stored(id)) continue
      this.results.set(k, new Promise(resolve => this.queue.push({ id, resolve })))
    }
    this.pump()
  }

  private pump (): void {
    while (!this.closed && this.active < this.limit && this.queue.length > 0) {
      const job = this.queue.shift()!
      this.active++
      this.fetch(job.id).then(job.resolve, () => job.resolve(null)).finally(() => { this.active--; this.pump() })
    }
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

