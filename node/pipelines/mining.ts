// Mining: on the current tip, wait until this key's planned time (the earliest eligible time,
// staggered past MAX_BT so keys do not collide; chain/miner.ts), build a block with the best pool
// transactions, import it, and publish it. Any tip change restarts the wait. Mining waits for the
// start-up voting round, and while a sync to a checked tip runs (the tip is about to move) — but
// never more than MINING_SYNC_HOLD_MAX_MS past the planned time: a sync is no reason to miss a
// block (issue 14: tips claimed by peers, even checked ones, must not keep a miner idle).
// It also follows the live chain: peers' tips and the blocks and transactions under them come to it
// as signals (candidates.ts), and a valid next block on our tip is imported as soon as it is whole.
import { blockId } from '../../chain/block.js'
import { mineBlock, plannedMiningFor } from '../../chain/miner.js'
import { toHex } from '../../chain/hex.js'
import { isChainError } from '../../chain/errors.js'
import { MINING_SUBSECOND_SPREAD_MS, MINING_SYNC_HOLD_MAX_MS, MINING_SYNC_RETRY_MS } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'
import type { TipClaim } from '../signals.js'
import { LiveCandidates } from './candidates.js'

/** Retry delay when mining cannot proceed now (syncing, not ready, no context). */
const RETRY_MS = 1000

export interface MiningHooks {
  onMined: (r: { block: import('../../chain/block.js').Block, txs: import('../../chain/tx.js').Transaction[] }) => void
  /** A candidate tip that may beat ours: the sync's tip probes fetch and check its block. */
  offer: (peer: Uint8Array, tip: TipClaim) => void
}

export class MiningPipeline implements Pipeline {
  private timer?: NodeJS.Timeout
  private busy = false
  /** The first planned firing time (ms) on the current parent: what a late block is late against. */
  private planned?: { parentHex: string, atMs: number }

  readonly candidates: LiveCandidates

  constructor (private readonly ctx: NodeContext, private readonly hooks: MiningHooks) {
    this.candidates = new LiveCandidates({ ctx, offer: (peer, tip) => hooks.offer(peer, tip) })
  }

  /**
   * Follows the live chain's signals at once (a node that does not mine still takes its next blocks
   * this way); forging waits for enable() (--mine, POST /mining/start). Stopping disables it.
   */
  start (): Stop {
    const sub = this.ctx.router.on('mining', 'TIP_BLOCK_FROM_PEER_FOR_MINING', 'GET_HISTORY_BLOCK_FOR_MINING', 'GET_HISTORY_BLOCK_TX_FOR_MINING')
      .subscribe(s => { this.candidates.take(s) })
    return () => { sub.unsubscribe(); this.disable() }
  }

  /** The operator's switch on (--mine, POST /mining/start): plans the next block. */
  enable (): void {
    this.ctx.state.miningEnabled = true
    this.schedule()
  }

  /** The operator's switch off (POST /mining/stop, and the node's stop). */
  disable (): void {
    this.ctx.state.miningEnabled = false
    this.ctx.state.nextEligibleTime = null
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  /** (Re)plans the next block on the current tip. Called on every tip change. */
  schedule (): void {
    const { ctx } = this
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (!ctx.state.miningEnabled || ctx.signal.aborted) return
    const tip = ctx.chain.tip()
    const mctx = ctx.chain.blockContextFor(tip.id)
    if (mctx === undefined) { this.retry(); return }
    // Never back-date: a tip far in the past (an old genesis, a long pause) would otherwise let this
    // miner fill the gap with back-dated blocks at full speed (docs/consensus-notes.md).
    const plan = plannedMiningFor(mctx, ctx.key.publicKey, MINING_SUBSECOND_SPREAD_MS)
    const t = Math.max(plan.t, ctx.nowS())
    ctx.state.nextEligibleTime = t
    // Inside its second, a key fires at its own offset (chain/miner.ts): keys due in the same second
    // then rarely mine siblings. A late plan (t > plan.t) fires at once.
    const atMs = t * 1000 + (t === plan.t ? plan.offsetMs : 0)
    const parentHex = toHex(tip.id)
    if (this.planned?.parentHex !== parentHex) this.planned = { parentHex, atMs }
    this.timer = setTimeout(() => { void this.forge(tip.id, t) }, Math.max(0, atMs - Date.now()))
  }

  private retry (): void {
    this.timer = setTimeout(() => this.schedule(), RETRY_MS)
  }

  private async forge (parentId: Uint8Array, t: number): Promise<void> {
    const { ctx } = this
    this.timer = undefined
    if (!ctx.state.miningEnabled || ctx.signal.aborted || this.busy) return
    if (!ctx.state.ready) { this.planned = undefined; this.retry(); return } // a plan made before the node was ready is no promise
    const tip = ctx.chain.tip()
    if (toHex(tip.id) !== toHex(parentId)) { this.schedule(); return }
    const plannedMs = this.planned?.parentHex === toHex(parentId) ? this.planned.atMs : Date.now()
    // A sync to a checked tip, or a next block being gathered (candidates.ts), is about to move our tip.
    const held = ctx.state.syncing || this.candidates.size > 0
    if (held && Date.now() - plannedMs < MINING_SYNC_HOLD_MAX_MS) {
      // Same parent, same planned time: look again shortly (a tip change reschedules anyway).
      this.timer = setTimeout(() => { void this.forge(parentId, t) }, MINING_SYNC_RETRY_MS)
      return
    }
    this.busy = true
    try {
      const bctx = ctx.chain.blockContextFor(parentId, ctx.nowS())
      if (bctx === undefined) { this.retry(); return }
      const built = mineBlock(ctx.key, bctx, t, ctx.pool)
      const r = await ctx.chain.importBlock(built.block, built.txs)
      if (r.kind === 'extended') {
        ctx.state.minedBlocks++
        // plannedMs / lateMs: when this key was first due on this parent, and how late the block is.
        ctx.log.info('mined block', {
          height: built.block.n, id: toHex(blockId(built.block)), parent: toHex(built.block.p), t: built.block.t, txs: built.txs.length,
          plannedMs, lateMs: Math.max(0, Date.now() - plannedMs), heldBySync: held
        })
        this.hooks.onMined({ block: built.block, txs: built.txs })
      } else {
        ctx.log.warn('own block not accepted', { kind: r.kind, height: built.block.n, code: r.kind === 'invalid' ? r.error.code : undefined })
        this.retry()
      }
    } catch (e) {
      if (!isChainError(e)) throw e
      ctx.log.warn('mining failed', { code: e.code, message: e.message })
      this.retry()
    } finally {
      this.busy = false
    }
  }
}
