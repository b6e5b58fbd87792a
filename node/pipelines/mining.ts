// Mining: on the current tip, wait until this key's planned time (the earliest eligible time,
// staggered past MAX_BT so keys do not collide; chain/miner.ts), build a block with the best pool
// transactions, import it, and publish it. Any tip change restarts the wait. Mining pauses while
// a sync runs (the tip is about to move) and until the start-up voting round is over.
import { blockId } from '../../chain/block.js'
import { mineBlock, plannedMiningFor } from '../../chain/miner.js'
import { toHex } from '../../chain/hex.js'
import { isChainError } from '../../chain/errors.js'
import { MINING_SUBSECOND_SPREAD_MS } from '../constants.js'
import type { NodeContext } from '../context.js'

/** Retry delay when mining cannot proceed now (syncing, not ready, no context). */
const RETRY_MS = 1000

export interface MiningHooks {
  onMined: (r: { block: import('../../chain/block.js').Block, txs: import('../../chain/tx.js').Transaction[] }) => void
}

export class MiningPipeline {
  private timer?: NodeJS.Timeout
  private busy = false

  constructor (private readonly ctx: NodeContext, private readonly hooks: MiningHooks) {}

  start (): void {
    this.ctx.state.miningEnabled = true
    this.schedule()
  }

  stop (): void {
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
    const delayMs = Math.max(0, t * 1000 + (t === plan.t ? plan.offsetMs : 0) - Date.now())
    this.timer = setTimeout(() => { void this.forge(tip.id, t) }, delayMs)
  }

  private retry (): void {
    this.timer = setTimeout(() => this.schedule(), RETRY_MS)
  }

  private async forge (parentId: Uint8Array, t: number): Promise<void> {
    const { ctx } = this
    this.timer = undefined
    if (!ctx.state.miningEnabled || ctx.signal.aborted || this.busy) return
    if (!ctx.state.ready || ctx.state.syncing) { this.retry(); return }
    const tip = ctx.chain.tip()
    if (toHex(tip.id) !== toHex(parentId)) { this.schedule(); return }
    this.busy = true
    try {
      const bctx = ctx.chain.blockContextFor(parentId, ctx.nowS())
      if (bctx === undefined) { this.retry(); return }
      const built = mineBlock(ctx.key, bctx, t, ctx.pool)
      const r = await ctx.chain.importBlock(built.block, built.txs)
      if (r.kind === 'extended') {
        ctx.state.minedBlocks++
        ctx.log.info('mined block', { height: built.block.n, id: toHex(blockId(built.block)), parent: toHex(built.block.p), t: built.block.t, txs: built.txs.length })
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
