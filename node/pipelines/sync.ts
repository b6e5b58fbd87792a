// Sync (PROTOCOL §7): from a better candidate tip, fetch blocks backwards until a block we hold
// (syncWalk.ts: down the checkpoint ids, then the segments between them by `p`), fetch their
// transactions (staged by the fetcher), then import the branch forward (the Chain validates and
// switches atomically). One sync at a time; candidates are kept per peer, the best first.
import { type Subscription } from 'rxjs'
import type { Block } from '../../chain/block.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import type { ImportResult } from '../../chain/chain.js'
import {
  PENALTY_INVALID_DATA, PENALTY_MISSING_DATA, SYNC_BLOCK_FETCH_CONCURRENCY, SYNC_IMPORT_CHUNK_BLOCKS, SYNC_MAX_BRANCH_BLOCKS, SYNC_MAX_CANDIDATES,
  SYNC_PREVERIFY_MIN_BLOCKS, SYNC_TX_FETCH_CONCURRENCY, SYNC_WINDOW_BLOCKS
} from '../constants.js'
import type { NodeContext } from '../context.js'
import { VerifyPool } from '../verifyPool.js'
import { type WalkDeps, type WalkFailure, segmentsUp, walkSpine } from './syncWalk.js'
import type { TipClaim } from '../signals.js'

export interface SyncHooks {
  /** A better fork in the voting range: the voting pipeline takes it from here. */
  onNeedsVote: (peer: Uint8Array) => void
}

interface Candidate { peer: Uint8Array, tip: TipClaim }

export class SyncPipeline {
  private readonly candidates = new Map<string, Candidate>()
  private running = false
  /** One walk at a time: a walk reads what the chain holds, so another sync importing beside it would break its segments. */
  private walking: Promise<void> = Promise.resolve()
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
        await this.exclusive(() => this.syncTo(best))
      }
    } catch (e) {
      this.ctx.log.error('sync failed', { err: (e as Error).stack ?? String(e) })
    } finally {
      this.running = false
      this.ctx.state.syncing = false
    }
  }

  /**
   * Fetches and imports the branch behind a peer's tip whatever its claimed difficulty: a voting
   * round's chosen chain may be lighter than ours. Bounded by `signal`; imports stay serial in the chain.
   */
  async fetchBranch (peer: Uint8Array, tip: TipClaim, signal: AbortSignal): Promise<void> {
    const bounded = AbortSignal.any([this.ctx.signal, signal])
    try {
      await this.exclusive(async () => {
        if (!this.ctx.chain.hasBlock(tip.id) && !bounded.aborted) await this.syncTo({ peer, tip }, bounded)
      })
    } catch (e) {
      this.ctx.log.warn('fetching a branch for a vote failed', { peer: toHex(peer).slice(0, 16), err: (e as Error).message })
    }
  }

  /** Runs `fn` after every walk queued before it has ended. */
  private exclusive (fn: () => Promise<void>): Promise<void> {
    const run = this.walking.then(fn)
    this.walking = run.catch(() => {})
    return run
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

  private async syncTo ({ peer, tip }: Candidate, signal: AbortSignal = this.ctx.signal): Promise<void> {
    const { ctx } = this
    // A long branch has its signatures checked on other cores as its items arrive.
    const pool = tip.n - ctx.chain.tip().n >= SYNC_PREVERIFY_MIN_BLOCKS ? new VerifyPool() : undefined
    // Transactions are fetched as their blocks arrive, in the order they are asked for (import order).
    const fetchTx = async (id: Uint8Array): Promise<Transaction | null> => {
      const t = await ctx.fetcher.tx(id, 'GET_HISTORY_TX_FOR_SYNC', peer)
      if (t !== null) pool?.tx(t)
      return t
    }
    const txs = new TxPrefetch(fetchTx, id => ctx.chain.getTx(id) !== undefined, SYNC_TX_FETCH_CONCURRENCY)
    let over = false
    const walk: WalkDeps = {
      hasBlock: id => ctx.chain.hasBlock(id),
      fetch: async id => {
        if (over || signal.aborted) return null
        const b = await ctx.fetcher.block(id, 'GET_HISTORY_BLOCK_FOR_SYNC', peer)
        if (b !== null) pool?.block(b)
        return b
      },
      mutableRange: ctx.chain.genesis.config.mutableRange,
      maxBlocks: SYNC_MAX_BRANCH_BLOCKS
    }
    try {
      const t0 = performance.now()
      const top = await walk.fetch(tip.id)
      if (top === null) return this.failed(peer, 'missing')
      const s = await walkSpine(walk, top)
      if (typeof s === 'string') return this.failed(peer, s)
      ctx.log.debug('sync spine', { blocks: s.spine.length, from: top.n, ms: Math.round(performance.now() - t0) })

      // Segments arrive lowest first. A plain extension of our tip is imported in chunks, one
      // chunk at a time, while later segments are still walked (at most SYNC_WINDOW_BLOCKS walked
      // and not yet imported); a fork is imported whole, as one branch (fork choice sees all of
      // it), so only a fork's length is held in memory.
      const ready: Block[] = []
      let extending: boolean | undefined
      let importing: Promise<void> | undefined
      let stop = false
      let error: unknown
      // Starts the next chunk's import when none is running; each one starts the next as it ends.
      const pump = (): void => {
        if (importing !== undefined || stop || ready.length < SYNC_IMPORT_CHUNK_BLOCKS) return
        importing = this.importPart(peer, ready.splice(0, SYNC_IMPORT_CHUNK_BLOCKS), txs, pool).then(ok => {
          importing = undefined
          if (ok) pump(); else stop = true
        }, e => { importing = undefined; stop = true; error = e })
      }
      const settle = async (): Promise<void> => {
        while (importing !== undefined) await importing
        if (error !== undefined) throw error
      }
      try {
        for await (const seg of segmentsUp(walk, s.spine, SYNC_BLOCK_FETCH_CONCURRENCY)) {
          if (typeof seg === 'string') return this.failed(peer, seg)
          for (const b of seg) txs.want(b.x)
          extending ??= bytesEqual(seg[0].p, ctx.chain.tip().id)
          ready.push(...seg)
          if (!extending) continue
          pump()
          while (ready.length >= SYNC_WINDOW_BLOCKS && importing !== undefined) await importing
          if (stop || signal.aborted) return
        }
        await settle()
        if (stop) return
        const chunk = extending === true ? SYNC_IMPORT_CHUNK_BLOCKS : ready.length
        while (ready.length > 0 && !signal.aborted) {
          if (!await this.importPart(peer, ready.splice(0, chunk), txs, pool)) return
        }
        const st = ctx.engine.stats.snapshot()
        ctx.log.debug('sync done', { to: top.n, ms: Math.round(performance.now() - t0), gets: st.gets, getDirect: st.latencyMs.getDirect, getRecursive: st.latencyMs.getRecursive })
      } finally {
        await settle() // never leave an import running past the sync
      }
    } finally {
      over = true
      txs.close()
      void pool?.close()
    }
  }

  /** Imports a run of blocks once their transactions are in (and pre-checked); false to stop the sync. */
  private async importPart (peer: Uint8Array, part: Block[], txs: TxPrefetch, pool?: VerifyPool): Promise<boolean> {
    const t1 = performance.now()
    const got = await txs.take(part)
    if (got === null) { this.failed(peer, 'missing'); return false }
    const tTx = performance.now()
    if (pool !== undefined) await pool.ready([...part, ...got.values()])
    const t2 = performance.now()
    const r = await this.ctx.chain.importBranch(part, got)
    this.ctx.log.debug('sync chunk', {
      from: part[0].n, blocks: part.length, txWaitMs: Math.round(tTx - t1), verifyWaitMs: Math.round(t2 - tTx), importMs: Math.round(performance.now() - t2)
    })
    this.report(peer, r, part)
    return r.kind === 'extended' && r.invalid === undefined
  }

  /** A walk that could not finish: missing data costs the peer a little, invalid data more. */
  private failed (peer: Uint8Array, why: WalkFailure): void {
    this.ctx.peers.penalise(peer, why === 'bad' ? PENALTY_INVALID_DATA : PENALTY_MISSING_DATA)
  }

  private report (peer: Uint8Array, r: ImportResult, blocks: Block[]): void {
    const { ctx } = this
    if (r.invalid !== undefined || r.kind === 'invalid') {
      const err = r.kind === 'invalid' ? r.error : r.invalid?.error
      ctx.log.warn('peer branch has an invalid block', { peer: toHex(peer).slice(0, 16), code: err?.code, message: err?.message })
      ctx.peers.penalise(peer, PENALTY_INVALID_DATA)
    }
    if (r.kind === 'needs-vote') this.hooks.onNeedsVote(peer)
    ctx.log.debug('sync import', { kind: r.kind, blocks: blocks.length, top: blocks[blocks.length - 1]?.n })
  }
}

/**
 * Transaction fetches for a branch being walked: `want` queues ids as blocks arrive (lowest blocks
 * first, the import order), at most `limit` fetches run at once, in the order wanted, and `take`
 * waits for a run of blocks' transactions. Ids already stored are never fetched.
 */
class TxPrefetch {
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

