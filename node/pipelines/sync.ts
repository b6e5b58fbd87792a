// Sync (PROTOCOL §7): from a better candidate tip, fetch blocks backwards by `p` until a block we
// hold, fetch their transactions, stage them, then import the branch forward (the Chain validates
// and switches atomically). One sync at a time; candidates are kept per peer, the best first.
import { type Subscription } from 'rxjs'
import type { Block } from '../../chain/block.js'
import { checkpointHeight } from '../../chain/consensus/pot.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import type { ImportResult } from '../../chain/chain.js'
import {
  PENALTY_INVALID_DATA, PENALTY_MISSING_DATA, SYNC_BLOCK_FETCH_CONCURRENCY, SYNC_IMPORT_CHUNK_BLOCKS, SYNC_MAX_BRANCH_BLOCKS, SYNC_MAX_CANDIDATES,
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

/** A walked segment, top block first; how it ended: at its checkpoint, at a block we hold, or not. */
interface Segment { blocks: Block[], end: 'checkpoint' | 'held' | 'missing' | 'bad' }

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

  /**
   * Blocks from the first one we lack up to `tipId`, lowest first; null if one could not be had.
   * Walking back by `p` alone costs one round trip per block. Every block also names its checkpoint
   * (`i`: the id of this chain's block at height cp(n), a multiple of M), so the walk follows the
   * checkpoints down (one fetch per M blocks, the "spine") and fills the segment under each spine
   * block by `p`, up to SYNC_BLOCK_FETCH_CONCURRENCY segments at once. Every link of the result is
   * still a `p` link checked by hash; a checkpoint at the wrong height, or one that is not the
   * parent of its segment's lowest block, is invalid data.
   */
  private async fetchBranch (peer: Uint8Array, tipId: Uint8Array, txs: TxPrefetch, pool?: VerifyPool): Promise<Block[] | null> {
    const { ctx } = this
    if (ctx.chain.hasBlock(tipId)) return []
    const M = ctx.chain.genesis.config.mutableRange
    // Segments below the highest one that reached a block we hold are not needed; none is once
    // the branch is assembled.
    let heldIndex = Infinity
    let assembled = false
    const fetcherFor = (k: number) => async (id: Uint8Array): Promise<Block | null> => {
      if (ctx.signal.aborted || assembled || k > heldIndex) return null
      const b = await ctx.fetcher.block(id, 'GET_HISTORY_BLOCK_FOR_SYNC', peer)
      if (b !== null) { pool?.block(b); txs.want(b.x) }
      return b
    }
    const tip = await fetcherFor(0)(tipId)
    if (tip === null) return null
    if (tip.n === 0) return this.badLink(peer) // a height-0 block is never fetched (genesis is derived)

    const slots = new Slots(SYNC_BLOCK_FETCH_CONCURRENCY)
    const segments: Array<Promise<Segment>> = []
    let bounded = false
    try {
      for (let top = tip, k = 0; k <= SYNC_MAX_BRANCH_BLOCKS; k++) {
        await slots.acquire()
        const seg = this.walkSegment(top, M, fetcherFor(k))
        const index = k
        seg.then(r => { if (r.end === 'held') heldIndex = Math.min(heldIndex, index) }, () => {}).finally(() => slots.release())
        segments.push(seg)
        if (heldIndex < Infinity || ctx.chain.hasBlock(top.i)) break
        if (tip.n - top.n >= SYNC_MAX_BRANCH_BLOCKS) { bounded = true; break }
        const next = await fetcherFor(k)(top.i)
        if (next === null) break // the segments above may still reach a block we hold
        if (next.n !== checkpointHeight(top.n, M) || next.n === 0) { segments.push(Promise.resolve({ blocks: [], end: 'bad' })); break }
        top = next
      }
      // Assemble from the top down: the first segment that reached a block we hold ends the branch.
      const out: Block[] = []
      for (const seg of segments) {
        const r = await seg
        if (r.end === 'bad') return this.badLink(peer)
        if (r.end === 'missing') return null
        out.push(...r.blocks)
        if (r.end === 'held') return out.reverse()
      }
      // Nothing we hold below the last segment: a partial branch at the bound, or a missing checkpoint.
      return bounded ? out.reverse() : null
    } finally {
      assembled = true
    }
  }

  /**
   * `top` and the blocks under it by `p`, down to (not including) its checkpoint `top.i`, or down to
   * the first block we hold. At most top.n − cp(top.n) − 1 fetches.
   */
  private async walkSegment (top: Block, M: number, fetch: (id: Uint8Array) => Promise<Block | null>): Promise<Segment> {
    const blocks = [top]
    const floor = checkpointHeight(top.n, M)
    let id = top.p
    for (let n = top.n - 1; ; n--) {
      if (this.ctx.chain.hasBlock(id)) return { blocks, end: 'held' }
      if (n === floor) return { blocks, end: bytesEqual(id, top.i) ? 'checkpoint' : 'bad' }
      const b = await fetch(id)
      if (b === null) return { blocks, end: 'missing' }
      if (b.n !== n) return { blocks, end: 'bad' }
      blocks.push(b)
      id = b.p
    }
  }

  private badLink (peer: Uint8Array): null {
    this.ctx.peers.penalise(peer, PENALTY_INVALID_DATA)
    return null
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

/** A counting semaphore for the segment walks. */
class Slots {
  private free: number
  private readonly waiting: Array<() => void> = []
  constructor (n: number) { this.free = n }

  async acquire (): Promise<void> {
    if (this.free > 0) { this.free--; return }
    await new Promise<void>(resolve => this.waiting.push(resolve))
  }

  release (): void {
    const next = this.waiting.shift()
    if (next !== undefined) next(); else this.free++
  }
}
