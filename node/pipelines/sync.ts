// Sync (PROTOCOL §7): from a better candidate tip, fetch blocks backwards by `p` until a block we
// hold, fetch their transactions, stage them, then import the branch forward (the Chain validates
// and switches atomically). One sync at a time; candidates are kept per peer, the best first.
import { type Subscription } from 'rxjs'
import type { Block } from '../../chain/block.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import type { ImportResult } from '../../chain/chain.js'
import {
  PENALTY_INVALID_DATA, PENALTY_MISSING_DATA, SYNC_MAX_BRANCH_BLOCKS, SYNC_MAX_CANDIDATES, SYNC_TX_FETCH_CONCURRENCY
} from '../constants.js'
import type { NodeContext } from '../context.js'
import type { TipClaim } from '../signals.js'
import { mapLimit } from '../util/mapLimit.js'

export interface SyncHooks {
  /** A better fork in the voting range: the voting pipeline takes it from here. */
  onNeedsVote: (peer: Uint8Array) => void
  /** After every import: the miner restarts on a new tip, the publisher announces it. */
  onImported: (r: ImportResult) => void
}

interface Candidate { peer: Uint8Array, tip: TipClaim }

export class SyncPipeline {
  private readonly candidates = new Map<string, Candidate>()
  private running = false
  private sub?: Subscription

  constructor (private readonly ctx: NodeContext, private readonly hooks: SyncHooks) {}

  start (): Subscription {
    this.sub = this.ctx.router.on('TIP_BLOCK_FROM_PEER_FOR_MINING').subscribe(s => this.offer(s.peer, s.tip))
    return this.sub
  }

  /** A peer's claimed tip; kept if it would beat ours and we do not hold it. */
  offer (peer: Uint8Array, tip: TipClaim): void {
    const { chain } = this.ctx
    if (tip.d <= chain.tip().d || chain.hasBlock(tip.id) || chain.invalidReason(tip.id) !== undefined) return
    const key = toHex(peer)
    if (!this.candidates.has(key) && this.candidates.size >= SYNC_MAX_CANDIDATES) return
    this.candidates.set(key, { peer, tip })
    void this.drain()
  }

  /** Syncs candidates one at a time, best first, until none beats the tip. */
  private async drain (): Promise<void> {
    if (this.running) return
    this.running = true
    this.ctx.state.syncing = true
    try {
      for (let guard = 0; guard < SYNC_MAX_CANDIDATES * 2 && !this.ctx.signal.aborted; guard++) {
        const best = this.takeBest()
        if (best === undefined) break
        await this.syncTo(best)
      }
    } catch (e) {
      this.ctx.log.error('sync failed', { err: (e as Error).stack ?? String(e) })
    } finally {
      this.running = false
      this.ctx.state.syncing = false
    }
  }

  private takeBest (): Candidate | undefined {
    let best: Candidate | undefined
    const ourD = this.ctx.chain.tip().d
    for (const [k, c] of this.candidates) {
      if (c.tip.d <= ourD || this.ctx.chain.hasBlock(c.tip.id)) { this.candidates.delete(k); continue }
      if (best === undefined || c.tip.d > best.tip.d) best = c
    }
    if (best !== undefined) this.candidates.delete(toHex(best.peer))
    return best
  }

  private async syncTo ({ peer, tip }: Candidate): Promise<void> {
    const { ctx } = this
    const blocks = await this.fetchBranch(peer, tip.id)
    if (blocks === null) { ctx.peers.penalise(peer, PENALTY_MISSING_DATA); return }
    if (blocks.length === 0) return
    const txs = await this.fetchTxs(peer, blocks)
    if (txs === null) { ctx.peers.penalise(peer, PENALTY_MISSING_DATA); return }
    const r = await ctx.chain.importBranch(blocks, txs)
    this.report(peer, r, blocks)
  }

  /** Blocks from the first one we lack up to `tipId`, lowest first; null if one could not be had. */
  private async fetchBranch (peer: Uint8Array, tipId: Uint8Array): Promise<Block[] | null> {
    const { ctx } = this
    const out: Block[] = []
    let id = tipId
    for (let i = 0; i < SYNC_MAX_BRANCH_BLOCKS && !ctx.chain.hasBlock(id); i++) {
      if (ctx.signal.aborted) return null
      const b = await ctx.fetcher.block(id, 'GET_HISTORY_BLOCK_FOR_SYNC', peer)
      if (b === null) return null
      if (b.n === 0 || (out.length > 0 && !bytesEqual(out[out.length - 1].p, id))) {
        // A height-0 block is never fetched (genesis is derived); anything else is a bad link.
        ctx.peers.penalise(peer, PENALTY_INVALID_DATA)
        return null
      }
      out.push(b)
      id = b.p
    }
    return out.reverse()
  }

  private async fetchTxs (peer: Uint8Array, blocks: Block[]): Promise<Map<string, Transaction> | null> {
    const ids = blocks.flatMap(b => b.x).filter(id => this.ctx.chain.getTx(id) === undefined)
    const got = await mapLimit(ids, SYNC_TX_FETCH_CONCURRENCY, id => this.ctx.fetcher.tx(id, 'GET_HISTORY_TX_FOR_SYNC', peer))
    const out = new Map<string, Transaction>()
    for (let i = 0; i < ids.length; i++) {
      const tx = got[i]
      if (tx === null) return null
      out.set(toHex(ids[i]), tx)
    }
    return out
  }

  private report (peer: Uint8Array, r: ImportResult, blocks: Block[]): void {
    const { ctx } = this
    if (r.invalid !== undefined || r.kind === 'invalid') {
      const err = r.kind === 'invalid' ? r.error : r.invalid?.error
      ctx.log.warn('peer branch has an invalid block', { peer: toHex(peer).slice(0, 16), code: err?.code, message: err?.message })
      ctx.peers.penalise(peer, PENALTY_INVALID_DATA)
    }
    if (r.kind === 'needs-vote') this.hooks.onNeedsVote(peer)
    if (r.kind === 'refused-warning') {
      ctx.events.emit('warning', { message: r.warning.message, data: { depth: r.warning.depth, reason: r.warning.reason } })
    }
    ctx.log.debug('sync import', { kind: r.kind, blocks: blocks.length, top: blocks[blocks.length - 1]?.n })
    this.hooks.onImported(r)
  }
}
