// What the node puts (PROTOCOL §9, "no static re-provide"): its blkTip when the tip changes, its
// own mined blocks and their transactions, its txTip when the pool changes, its demand when that
// changes, and every channel again when a new slot begins (readers look at two slots only).
import { type Block, encodeBlock } from '../chain/block.js'
import { encodeTx, type Transaction } from '../chain/tx.js'
import { encodeEndpoint } from '../dht/index.js'
import { TXTIP_PUBLISH_DEBOUNCE_MS } from './constants.js'
import type { NodeContext } from './context.js'

/** How often the publisher checks for a new slot and a changed demand. */
const PUBLISH_TICK_MS = 500

export class Publisher {
  private timer?: NodeJS.Timeout
  private txTipTimer?: NodeJS.Timeout

  constructor (private readonly ctx: NodeContext) {}

  start (): void {
    this.publishTip()
    this.timer = setInterval(() => this.tick(), PUBLISH_TICK_MS)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    if (this.txTipTimer !== undefined) clearTimeout(this.txTipTimer)
  }

  publishTip (): void {
    const { ctx } = this
    const tip = ctx.chain.tip()
    let e: Uint8Array | undefined
    try { e = encodeEndpoint(ctx.engine.endpoint) } catch { e = undefined }
    ctx.channels.publish('blkTip', { h: tip.id, n: tip.n, d: tip.d, e })
  }

  /** A block this node mined: the block and its transactions go out as immutable items. */
  putOwnBlock (block: Block, txs: Transaction[]): void {
    this.ctx.putter.putImmutable(encodeBlock(block))
    for (const tx of txs) this.ctx.putter.putImmutable(encodeTx(tx))
  }

  /** Batches pool changes into one txTip put. */
  scheduleTxTip (): void {
    if (this.txTipTimer !== undefined) return
    this.txTipTimer = setTimeout(() => {
      this.txTipTimer = undefined
      if (this.ctx.signal.aborted) return
      const ids = this.ctx.pool.tipIds([this.ctx.key.publicKey])
      this.ctx.channels.publish('txTip', { x: ids })
    }, TXTIP_PUBLISH_DEBOUNCE_MS)
    this.txTipTimer.unref()
  }

  private tick (): void {
    if (this.ctx.signal.aborted) return
    const { value, changed } = this.ctx.demand.take()
    if (changed) this.ctx.channels.publish('demand', value)
    this.ctx.channels.republishStale()
  }
}
