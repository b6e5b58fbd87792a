// Why a transaction left the pool without being mined, remembered for a while so a wallet that
// follows it (`wallet send --wait`, GET /tx/:id/status) can say so instead of "unknown". Bounded
// by count (oldest forgotten first) and by age; nothing here is persisted.
import { DROPPED_TXS_MAX, DROPPED_TX_TTL_MS } from './constants.js'

export type DropReason = 'replaced' | 'evicted' | 'nonce-used' | 'expired' | 'insufficient-balance' | 'nonce-out-of-window'

export interface DropRecord { reason: DropReason, atMs: number, /** The replacing (or nonce-taking) transaction, when known. */ by?: string }

export class DroppedTxs {
  private readonly byId = new Map<string, DropRecord>()

  constructor (private readonly max = DROPPED_TXS_MAX, private readonly ttlMs = DROPPED_TX_TTL_MS, private readonly nowMs = Date.now) {}

  get size (): number { return this.byId.size }

  add (idHex: string, reason: DropReason, by?: string): void {
    this.byId.delete(idHex) // re-insert at the newest end
    this.byId.set(idHex, { reason, atMs: this.nowMs(), by })
    while (this.byId.size > this.max) {
      const oldest = this.byId.keys().next().value
      if (oldest === undefined) break
      this.byId.delete(oldest)
    }
  }

  /** Forgets a record (the transaction came back: readmitted or resubmitted). */
  forget (idHex: string): void { this.byId.delete(idHex) }

  get (idHex: string): DropRecord | undefined {
    const r = this.byId.get(idHex)
    if (r !== undefined && this.nowMs() - r.atMs > this.ttlMs) {
      this.byId.delete(idHex)
      return undefined
    }
    return r
  }
}
