// Sync (PROTOCOL §7): from a better candidate tip, fetch blocks backwards until a block we hold
// (syncWalk.ts: down the checkpoint ids, then the segments between them by `p`), fetch their
// transactions (staged by the fetcher), then import the branch forward (the Chain validates and
// switches atomically). A peer's claimed tip is first probed (syncTips.ts: its block fetched and
// checked, a few at once, peers that miss backing off); only then does it join the queue, ordered
// by the difficulty its block carries. One sync at a time; only a sync to a checked tip marks the
// node as syncing, which holds the miner back for a bounded time (mining.ts).
import type { Block } from '../../chain/block.js'
import { isChainError } from '../../chain/errors.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import type { ImportResult } from '../../chain/chain.js'
import { Lru } from '../../chain/lru.js'
import {
  PENALTY_INVALID_DATA, PENALTY_MISSING_DATA, SYNC_BLOCK_FETCH_CONCURRENCY, SYNC_IMPORT_CHUNK_BLOCKS, SYNC_MAX_BRANCH_BLOCKS, SYNC_MAX_CANDIDATES, SYNC_REFUSED_TIPS_KEPT,
  SYNC_FETCH_ATTEMPTS, SYNC_PREVERIFY_MIN_BLOCKS, SYNC_RETRY_BUDGET, SYNC_TX_FETCH_CONCURRENCY, SYNC_WINDOW_BLOCKS
} from '../constants.js'
import type { NodeContext } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'
import { VerifyPool } from '../verifyPool.js'
import { releaseMemory } from '../memory.js'
import { youngGenerationForSync } from '../youngGeneration.js'
import { type WalkDeps, type WalkFailure, segmentsUp, walkSpine } from './syncWalk.js'
import { SyncError, type SyncErrorCode } from './syncErrors.js'
import { SyncProgress } from './syncProgress.js'
import { TipProbes } from './syncTips.js'
import { checkTipBlock } from './tipCheck.js'
import { TxPrefetch } from './txPrefetch.js'
import { WalkRetries } from './syncRetry.js'
import type { TipClaim } from '../signals.js'

export interface SyncHooks {
  /** A better fork in the voting range: the voting pipeline takes it from here. */
  onNeedsVote: (peer: Uint8Array) => void
  /** A tip block the mining pipeline is taking as our next block (candidates.ts): the queue leaves it. */
  takenByMining: (id: Uint8Array) => boolean
}

/** How a branch fetch ended: the chain's result for the last part imported, or why nothing was. */
export type BranchOutcome = { ok: true, result: ImportResult } | { ok: false, error: SyncError }

const failure = (code: SyncErrorCode, message: string, detail?: string): BranchOutcome => ({ ok: false, error: new SyncError(code, message, detail) })

export class SyncPipeline implements Pipeline {
  readonly tips: TipProbes
  private running = false
  /** The tip the queue is syncing to now (hex): a re-announcement of it is not probed again. */
  private current?: string
  /** Tips whose branch the chain refused (warning range, below the consensus point): not synced again. */
  private readonly refused = new Lru<string, true>(SYNC_REFUSED_TIPS_KEPT)
  /** One walk at a time: a walk reads what the chain holds, so a second one importing beside it cuts its segments wrong. */
  private walking: Promise<unknown> = Promise.resolve()
  /** The verify workers of the walk under way, when its branch is long enough to use them. */
  private preverify?: VerifyPool

  constructor (private readonly ctx: NodeContext, private readonly hooks: SyncHooks) {
    this.tips = new TipProbes({
      // A candidate tip's block is a block "for mining": the mining pipeline imports it at once when
      // it is the next block on our tip (candidates.ts); the probe checks it for the queue.
      fetch: async (peer, id) => await ctx.fetcher.block(id, 'GET_HISTORY_BLOCK_FOR_MINING', peer),
      check: (block, claim) => checkTipBlock(block, claim, ctx.chain, ctx.nowS()),
      ourD: () => ctx.chain.tip().d,
      known: id => ctx.chain.hasBlock(id) || ctx.chain.invalidReason(id) !== undefined || this.refused.has(toHex(id)),
      taken: id => hooks.takenByMining(id),
      missed: peer => ctx.peers.penalise(peer, PENALTY_MISSING_DATA),
      bad: (peer, code) => {
        ctx.log.warn('peer tip block refused', { peer: toHex(peer).slice(0, 16), code })
        ctx.peers.penalise(peer, PENALTY_INVALID_DATA)
      },
      ready: () => { void this.drain() },
      now: Date.now,
      signal: ctx.signal
    })
    ctx.signal.addEventListener('abort', () => this.tips.stop(), { once: true })
  }

  /** The blocks and transactions of the branch being synced go to its verify workers as they arrive. */
  start (): Stop {
    const sub = this.ctx.router.on('sync', 'GET_HISTORY_BLOCK_FOR_SYNC', 'GET_HISTORY_TX_FOR_SYNC').subscribe(s => {
      if (s.type === 'GET_HISTORY_BLOCK_FOR_SYNC') this.preverify?.block(s.block); else this.preverify?.tx(s.tx)
    })
    return () => { sub.unsubscribe() }
  }

  /** A peer's claimed tip (from the mining pipeline's candidates); probed if it would beat ours and we do not hold it. */
  offer (peer: Uint8Array, tip: TipClaim): void {
    const { chain } = this.ctx
    if (tip.d <= chain.tip().d || chain.hasBlock(tip.id) || chain.invalidReason(tip.id) !== undefined) return
    if (this.current === toHex(tip.id) || this.refused.has(toHex(tip.id))) return
    this.tips.offer(peer, tip)
  }

  /**
   * Fetches and imports the branch behind `tip` from `peer` whatever its claimed difficulty (a
   * voting round needs voters' chains even when they claim less than our tip). Its walk waits for the
   * queue's current one (walks run one at a time) and never holds mining back. Resolves with the
   * chain's result for the last part imported, or a SyncError code; at once with SYNC_ABORTED when
   * `signal` fires (fetches then stop at their next step).
   */
  async fetchBranchFor (peer: Uint8Array, tip: TipClaim, signal: AbortSignal): Promise<BranchOutcome> {
    const { ctx } = this
    if (ctx.chain.hasBlock(tip.id)) return { ok: true, result: { kind: 'known', id: tip.id } }
    const both = AbortSignal.any([signal, ctx.signal])
    const aborted = (): BranchOutcome => failure('SYNC_ABORTED', 'branch fetch aborted')
    if (both.aborted) return aborted()
    let onAbort: (() => void) | undefined
    const stopped = new Promise<BranchOutcome>(resolve => {
      onAbort = () => resolve(aborted())
      both.addEventListener('abort', onAbort, { once: true })
    })
    const work = (async (): Promise<BranchOutcome> => {
      const block = await ctx.fetcher.block(tip.id, 'GET_HISTORY_BLOCK_FOR_SYNC', peer)
      if (both.aborted) return aborted()
      if (block === null) {
        ctx.peers.penalise(peer, PENALTY_MISSING_DATA)
        return failure('SYNC_TIP_MISSING', 'the tip block could not be fetched')
      }
      const v = checkTipBlock(block, tip, ctx.chain, ctx.nowS())
      if (v.kind === 'bad') {
        ctx.peers.penalise(peer, PENALTY_INVALID_DATA)
        return failure('SYNC_TIP_INVALID', `the tip block was refused (${v.code})`, v.code)
      }
      try {
        return await this.syncBranch(peer, block, both)
      } catch (e) {
        if (!isChainError(e)) throw e
        return failure('SYNC_IMPORT_FAILED', e.message, e.code)
      }
    })()
    work.catch(() => {}) // awaited below unless the abort came first
    try {
      return await Promise.race([work, stopped])
    } finally {
      if (onAbort !== undefined) both.removeEventListener('abort', onAbort)
    }
  }

  /** Syncs probed tips one at a time, best verified difficulty first, until none beats the tip. */
  private async drain (): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      for (let guard = 0; guard < SYNC_MAX_CANDIDATES * 2 && !this.ctx.signal.aborted; guard++) {
        const best = this.tips.takeBest()
        if (best === undefined) break
        this.ctx.state.syncing = best.hold
        this.current = toHex(best.tip.id)
        const out = await this.syncBranch(best.peer, best.block, this.ctx.signal)
        this.current = undefined
        this.ctx.state.syncing = false
        if (!out.ok) this.ctx.log.debug('sync ended', { peer: toHex(best.peer).slice(0, 16), code: out.error.code })
      }
    } catch (e) {
      this.ctx.log.error('sync failed', { err: (e as Error).stack ?? String(e) })
    } finally {
      this.running = false
      this.current = undefined
      this.ctx.state.syncing = false
    }
  }

  /** Walks down from the fetched tip block `top` to blocks we hold and imports the branch, after any walk under way. */
  private syncBranch (peer: Uint8Array, top: Block, signal: AbortSignal): Promise<BranchOutcome> {
    const run = this.walking.then(async () => await this.walkAndImport(peer, top, signal))
    this.walking = run.catch(() => {})
    return run
  }

  private async walkAndImport (peer: Uint8Array, top: Block, signal: AbortSignal): Promise<BranchOutcome> {
    const progress = new SyncProgress(top.n, this.ctx.chain.tip().n)
    progress.begin(this.ctx.state, this.ctx.log)
    try {
      return await this.walkAndImportWith(peer, top, signal, progress)
    } finally {
      progress.end(this.ctx.state)
    }
  }

  private async walkAndImportWith (peer: Uint8Array, top: Block, signal: AbortSignal, progress: SyncProgress): Promise<BranchOutcome> {
    const { ctx } = this
    // A long branch has its signatures checked on other cores as its items arrive.
    // Items fetched from the DHT reach it as signals (start()); the tip came through the probe.
    const pool = this.preverify = top.n - ctx.chain.tip().n >= SYNC_PREVERIFY_MIN_BLOCKS ? new VerifyPool() : undefined
    pool?.block(top)
    if (pool !== undefined) youngGenerationForSync(true) // fewer scavenges while it runs (node/youngGeneration.ts)
    // Transactions are fetched as their blocks arrive, in the order they are asked for (import
    // order); one in our pool has the same id, so the same bytes, and needs no fetch. The prefetch
    // looked in the store when it queued the id (the fetcher need not again).
    const fetchTx = async (id: Uint8Array): Promise<Transaction | null> =>
      ctx.pool.get(id) ?? await ctx.fetcher.tx(id, 'GET_HISTORY_TX_FOR_SYNC', peer, true)
    // A late or lost answer is asked again while the peer delivers the walk's other items (syncRetry.ts).
    const retries = new WalkRetries({ attempts: SYNC_FETCH_ATTEMPTS, budget: SYNC_RETRY_BUDGET })
    const txs = new TxPrefetch(fetchTx, id => ctx.chain.getTx(id) !== undefined, SYNC_TX_FETCH_CONCURRENCY, retries)
    let over = false
    const walk: WalkDeps = {
      hasBlock: id => ctx.chain.hasBlock(id),
      fetch: async id => await retries.fetch(async () => {
        if (over || signal.aborted) return null
        return await ctx.fetcher.block(id, 'GET_HISTORY_BLOCK_FOR_SYNC', peer)
      }, () => over || signal.aborted),
      mutableRange: ctx.chain.genesis.config.mutableRange,
      maxBlocks: SYNC_MAX_BRANCH_BLOCKS
    }
    const walkFailed = (why: WalkFailure): BranchOutcome => {
      if (signal.aborted) return failure('SYNC_ABORTED', 'sync aborted')
      this.failed(peer, why)
      return why === 'bad' ? failure('SYNC_BRANCH_INVALID', 'a block below the tip is not where it should be') : failure('SYNC_BRANCH_MISSING', 'a block below the tip could not be fetched')
    }
    try {
      const t0 = performance.now()
      const s = await walkSpine(walk, top)
      if (typeof s === 'string') return walkFailed(s)
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
      let last: ImportResult | null | undefined // null: a part's transactions could not be had
      const goOn = (r: ImportResult | null): boolean => r !== null && r.kind === 'extended' && r.invalid === undefined
      // Starts the next chunk's import when none is running; each one starts the next as it ends.
      const pump = (): void => {
        if (importing !== undefined || stop || ready.length < SYNC_IMPORT_CHUNK_BLOCKS) return
        importing = this.importPart(peer, ready.splice(0, SYNC_IMPORT_CHUNK_BLOCKS), txs, progress, pool).then(r => {
          importing = undefined
          last = r
          if (goOn(r)) pump(); else stop = true
        }, e => { importing = undefined; stop = true; error = e })
      }
      const settle = async (): Promise<void> => {
        while (importing !== undefined) await importing
        if (error !== undefined) throw error
      }
      const outcome = (): BranchOutcome => {
        if (last === null) return failure('SYNC_TXS_MISSING', 'a transaction of the branch could not be fetched')
        if (last === undefined) return failure('SYNC_ABORTED', 'sync aborted before any import')
        return { ok: true, result: last }
      }
      try {
        for await (const seg of segmentsUp(walk, s.spine, SYNC_BLOCK_FETCH_CONCURRENCY)) {
          if (typeof seg === 'string') { await settle(); return walkFailed(seg) }
          for (const b of seg) txs.want(b.x)
          extending ??= bytesEqual(seg[0].p, ctx.chain.tip().id)
          ready.push(...seg)
          if (!extending) continue
          pump()
          while (ready.length >= SYNC_WINDOW_BLOCKS && importing !== undefined) await importing
          if (stop || signal.aborted) { await settle(); return outcome() }
        }
        await settle()
        if (stop) return outcome()
        const chunk = extending === true ? SYNC_IMPORT_CHUNK_BLOCKS : ready.length
        while (ready.length > 0 && !signal.aborted) {
          last = await this.importPart(peer, ready.splice(0, chunk), txs, progress, pool)
          if (!goOn(last)) break
        }
        const st = ctx.engine.stats.snapshot()
        ctx.log.debug('sync done', { to: top.n, ms: Math.round(performance.now() - t0), retries: retries.retries, txPeakInFlight: txs.peakActive, gets: st.gets, getDirect: st.latencyMs.getDirect, getRecursive: st.latencyMs.getRecursive })
        return outcome()
      } finally {
        await settle() // never leave an import running past the sync
      }
    } finally {
      over = true
      txs.close()
      this.preverify = undefined
      // A long sync's garbage is given back once its pool stopped (node/memory.ts); its GCs also
      // shrink the young generation, held small again from here.
      if (pool !== undefined) {
        youngGenerationForSync(false)
        void pool.close().then(() => { releaseMemory(ctx.log, { dropCaches: () => ctx.chain.dropCaches(), busy: () => this.running }) })
      }
    }
  }

  /** Imports a run of blocks once their transactions are in (and pre-checked); null when some could not be had. */
  private async importPart (peer: Uint8Array, part: Block[], txs: TxPrefetch, progress: SyncProgress, pool?: VerifyPool): Promise<ImportResult | null> {
    const t1 = performance.now()
    const got = await txs.take(part)
    if (got === null) { this.failed(peer, 'missing'); return null }
    const tTx = performance.now()
    if (pool !== undefined) await pool.ready([...part, ...got.values()])
    const t2 = performance.now()
    const r = await this.ctx.chain.importBranch(part, got)
    this.ctx.log.debug('sync chunk', {
      from: part[0].n, blocks: part.length, txWaitMs: Math.round(tTx - t1), verifyWaitMs: Math.round(t2 - tTx), importMs: Math.round(performance.now() - t2)
    })
    this.report(peer, r, part)
    // The chain's new tip is the last of this part that was valid.
    if (r.kind === 'extended' || r.kind === 'reorged') progress.reached(r.tip.n)
    return r
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
    // The chain warns once per fork (node.ts forwards it); here the branch's tip is only remembered, so a
    // hostile peer re-announcing it does not cost a walk per read.
    if (r.kind === 'refused-warning') this.refused.set(toHex(r.id), true)
    ctx.log.debug('sync import', { kind: r.kind, blocks: blocks.length, top: blocks[blocks.length - 1]?.n })
  }
}
