// The mining pipeline's view of the live chain (docs/protocol.md §10, the "for mining" signals).
// Peers' tips are candidates; one that beats ours goes to the sync's tip probes, which fetch its
// block (GET_HISTORY_BLOCK_FOR_MINING) and check it. A candidate block that extends our tip and
// passes the same header check is the network's next block: its transactions come from our pool
// or the DHT (GET_HISTORY_BLOCK_TX_FOR_MINING) and, once all are in, it is imported at once. That
// is the common case of a running network, and it needs no sync walk; anything else (a fork, a
// longer branch, a transaction nobody serves) is left to the sync: the sync queue leaves a block
// alone while it is gathered here, and takes it from the peer's next announcement if that fails.
import { type Block, blockId } from '../../chain/block.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import { MINING_CANDIDATES_MAX, MINING_CANDIDATE_TTL_MS, PENALTY_INVALID_DATA } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { SignalOf, TipClaim } from '../signals.js'
import { checkTipBlock } from './tipCheck.js'

export type CandidateSignal = SignalOf<'TIP_BLOCK_FROM_PEER_FOR_MINING' | 'GET_HISTORY_BLOCK_FOR_MINING' | 'GET_HISTORY_BLOCK_TX_FOR_MINING'>

interface Candidate {
  block: Block
  peer: Uint8Array
  /** Its transactions by hex id, filled as they come. */
  txs: Map<string, Transaction>
  missing: Set<string>
  untilMs: number
}

export interface CandidateDeps {
  ctx: NodeContext
  /** The sync's tip probes: fetch and check a candidate tip's block, then sync to it. */
  offer: (peer: Uint8Array, tip: TipClaim) => void
}

export class LiveCandidates {
  /** Candidate blocks on our tip gathering their transactions, by hex id. */
  private readonly gathering = new Map<string, Candidate>()
  /** Counters for status and tests: candidates imported here, and those left to sync, by reason. */
  readonly counts = { imported: 0, leftToSync: 0, invalid: 0 }

  constructor (private readonly d: CandidateDeps) {}

  /** Whether block `id` is being gathered here (the sync queue leaves it alone meanwhile). */
  has (id: Uint8Array): boolean { return this.gathering.has(toHex(id)) }

  /** Blocks being gathered: our tip is about to move, so the miner holds back (bounded, mining.ts). */
  get size (): number { this.expire(); return this.gathering.size }

  take (s: CandidateSignal): void {
    if (this.d.ctx.signal.aborted) return
    switch (s.type) {
      case 'TIP_BLOCK_FROM_PEER_FOR_MINING': this.d.offer(s.peer, s.tip); break
      case 'GET_HISTORY_BLOCK_FOR_MINING': this.onBlock(s.peer, s.id, s.block); break
      case 'GET_HISTORY_BLOCK_TX_FOR_MINING': this.onTx(toHex(s.id), s.tx); break
    }
  }

  /** A candidate tip's block: gathered here when it is a valid next block on our tip. */
  private onBlock (peer: Uint8Array, id: Uint8Array, block: Block): void {
    const { ctx } = this.d
    const tip = ctx.chain.tip()
    const hex = toHex(id)
    if (!bytesEqual(block.p, tip.id) || block.d <= tip.d || this.gathering.has(hex)) return
    this.expire()
    if (this.gathering.size >= MINING_CANDIDATES_MAX) { this.counts.leftToSync++; return }
    // The sync's probe runs the same check and penalises a bad block; here it only decides.
    const v = checkTipBlock(block, { id, n: block.n, d: block.d }, ctx.chain, ctx.nowS())
    if (v.kind !== 'checked' || !v.anchored) return
    const c: Candidate = { block, peer, txs: new Map(), missing: new Set(), untilMs: Date.now() + MINING_CANDIDATE_TTL_MS }
    for (const txid of block.x) {
      const k = toHex(txid)
      const held = ctx.pool.get(txid) ?? ctx.fetcher.heldTx(txid)
      if (held !== undefined) c.txs.set(k, held); else c.missing.add(k)
    }
    this.gathering.set(hex, c)
    if (c.missing.size === 0) { void this.import(hex); return }
    for (const txid of block.x) {
      if (!c.missing.has(toHex(txid))) continue
      // The answer comes back as a GET_HISTORY_BLOCK_TX_FOR_MINING signal (onTx); one staged
      // meanwhile by a sync comes back here, and one nobody serves leaves the block to the sync.
      const leave = (): void => { if (this.gathering.delete(hex)) this.counts.leftToSync++ }
      ctx.fetcher.tx(txid, 'GET_HISTORY_BLOCK_TX_FOR_MINING', peer).then(tx => {
        if (tx !== null) this.onTx(toHex(txid), tx); else leave()
      }, leave)
    }
  }

  private onTx (k: string, tx: Transaction): void {
    for (const [hex, c] of this.gathering) {
      if (!c.missing.delete(k)) continue
      c.txs.set(k, tx)
      if (c.missing.size === 0) void this.import(hex)
    }
  }

  /** Imports a complete candidate (the chain validates it in full); a bad one costs its peer. */
  private async import (hex: string): Promise<void> {
    const { ctx } = this.d
    const c = this.gathering.get(hex)
    if (c === undefined) return
    this.gathering.delete(hex)
    const txs = c.block.x.map(id => c.txs.get(toHex(id)))
    if (txs.some(t => t === undefined)) return
    try {
      const r = await ctx.chain.importBlock(c.block, txs as Transaction[])
      if (r.kind === 'invalid') {
        this.counts.invalid++
        ctx.log.warn('peer block refused', { peer: toHex(c.peer).slice(0, 16), id: hex, code: r.error.code })
        ctx.peers.penalise(c.peer, PENALTY_INVALID_DATA)
      } else if (r.kind === 'extended') this.counts.imported++
      ctx.log.debug('candidate block', { id: toHex(blockId(c.block)), height: c.block.n, result: r.kind })
    } catch (e) {
      ctx.log.debug('candidate import failed', { id: hex, err: (e as Error).message })
    }
  }

  /** Candidates whose transactions did not all come in time are left to the sync. */
  private expire (): void {
    const now = Date.now()
    for (const [hex, c] of this.gathering) {
      if (c.untilMs > now) continue
      this.gathering.delete(hex)
      this.counts.leftToSync++
    }
  }
}
