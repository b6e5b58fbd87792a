// Sync (PROTOCOL §7): from a better candidate tip, fetch blocks backwards by `p` until a block we
// hold, fetch their transactions, stage them, then import the branch forward (the Chain validates
// and switches atomically). One sync at a time; candidates are kept per peer, the best first.
import { type Subscription } from 'rxjs'
import type { Block } from '../../chain/block.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import type { ImportResult } from '../../chain/chain.js'
import {
  PENALTY_INVALID_DATA, PENALTY_MISSING_DATA, SYNC_IMPORT_CHUNK_BLOCKS, SYNC_MAX_BRANCH_BLOCKS, SYNC_MAX_CANDIDATES,
  SYNC_PREVERIFY_MIN_BLOCKS, SYNC_TX_FETCH_CONCURRENCY
} from '../constants.js'
import type { NodeContext } from '../context.js'
import { VerifyPool } from '../verifyPool.js'
import type { TipClaim } from '../signals.js'

export interface SyncHooks {
  /** A better fork in the voting range: the voting pipeline takes it from here. */
  onNeedsVote: (peer: Uint8Array) => void
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
    // A long branch has its signatures checked on other cores as its items arrive.
    const pool = tip.n - ctx.chain.tip().n >= SYNC_PREVERIFY_MIN_BLOCKS ? new VerifyPool() : undefined
    // Transactions are fetched while the walk back goes on, lowest blocks first (import order).
    const fetchTx = async (id: Uint8Array): Promise<Transaction | null> => {
      const t = await ctx.fetcher.tx(id, 'GET_HISTORY_TX_FOR_SYNC', peer)
      if (t !== null) pool?.tx(t)
      return t
    }
    const txs = new TxPrefetch(fetchTx, id => ctx.chain.getTx(id) !== undefined, SYNC_TX_FETCH_CONCURRENCY)
    try {
      const t0 = performance.now()
      const blocks = await this.fetchBranch(peer, tip.id, txs, pool)
      if (blocks === null) { ctx.peers.penalise(peer, PENALTY_MISSING_DATA); return }
      if (blocks.length === 0) return
      ctx.log.debug('sync walk', { blocks: blocks.length, ms: Math.round(performance.now() - t0) })
      // A plain extension of our tip is imported in chunks, so validation starts before the last
      // transactions arrive; a fork is imported whole, as one branch (fork choice sees all of it).
      const chunk = bytesEqual(blocks[0].p, ctx.chain.tip().id) ? SYNC_IMPORT_CHUNK_BLOCKS : blocks.length
      for (let i = 0; i < blocks.length && !ctx.signal.aborted; i += chunk) {
        const part = blocks.slice(i, i + chunk)
        const t1 = performance.now()
        const got = await txs.take(part)
        if (got === null) { ctx.peers.penalise(peer, PENALTY_MISSING_DATA); return }
        if (pool !== undefined) await pool.ready([...part, ...got.values()])
        const t2 = performance.now()
        const r = await ctx.chain.importBranch(part, got)
        ctx.log.debug('sync chunk', { from: part[0].n, blocks: part.length, txWaitMs: Math.round(t2 - t1), importMs: Math.round(performance.now() - t2) })
        this.report(peer, r, part)
        if (r.kind !== 'extended' || r.invalid !== undefined) return
      }
    } finally {
      txs.close()
      void pool?.close()
    }
  }

  /** Blocks from the first one we lack up to `tipId`, lowest first; null if one could not be had. */
  private async fetchBranch (peer: Uint8Array, tipId: Uint8Array, txs: TxPrefetch, pool?: VerifyPool): Promise<Block[] | null> {
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
      pool?.block(b)
      txs.want(b.x)
      id = b.p
    }
    return out.reverse()
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
  }
}

/**
 * Transaction fetches for a branch being walked: `want` queues ids as blocks arrive, at most `limit`
 * fetches run at once, the most recently wanted first (the walk goes down, the import goes up), and
 * `take` waits for a run of blocks' transactions. Ids already stored are never fetched.
 */
class TxPrefetch {
  private readonly results = new Map<string, Promise<Transaction | null>>()
  private readonly stack: Array<{ id: Uint8Array, resolve: (t: Transaction | null) => void }> = []
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
      this.results.set(k, new Promise(resolve => this.stack.push({ id, resolve })))
    }
    this.pump()
  }

  private pump (): void {
    while (!this.closed && this.active < this.limit && this.stack.length > 0) {
      const job = this.stack.pop()!
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
    for (const job of this.stack.splice(0)) job.resolve(null)
  }
}
