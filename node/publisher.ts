// What the node puts (PROTOCOL §9, "no static re-provide"): its blkTip when the tip changes, its
// own mined blocks and their transactions, its txTip when the pool changes, its demand when that
// changes, and every channel again when a new slot begins (readers look at two slots only).
// A new blkTip, txTip or demand also goes straight to the endpoints of live peers (a push), so they
// learn it at once instead of at their next poll (docs/protocol-notes.md §7): a tip this node mined to
// every live peer, a tip it imported to a few at random (node/pushTargets.ts).
// A peer that turns live (its items verify here) is sent our blkTip once, and again whenever our
// endpoint changes (a greeting): readers back off on a peer whose blkTip they could not find, up to
// minutes for one never seen live, so a node that starts late, or behind a NAT that drops its first
// packets, would otherwise stay unknown to them that long.
// A new slot's republish is not pushed: readers already hold that value. An empty txTip or demand
// is published once (it supersedes the last non-empty one) and not republished: no item means the same.
import { type Block, encodeBlock } from '../chain/block.js'
import { encodeTx, type Transaction } from '../chain/tx.js'
import { bytesEqual, toHex } from '../chain/hex.js'
import { type Endpoint, encodeEndpoint, MAX_PUSH_ENDPOINTS } from '../dht/index.js'
import { RELAYED_TIP_PUT_DELAY_MIN_MS, RELAYED_TIP_PUT_DELAY_SPREAD_MS, REPUBLISH_SPREAD_MS, TXTIP_PUBLISH_DEBOUNCE_MS } from './constants.js'
import type { NodeContext } from './context.js'
import { publicEndpointOf } from './publicEndpoint.js'
import { livePeers, type PushKind, pushTargets } from './pushTargets.js'
import type { Pipeline, Stop } from './pipelines/pipeline.js'

/** How often the publisher checks for a new slot and a changed demand. */
const PUBLISH_TICK_MS = 500

export class Publisher implements Pipeline {
  private txTipTimer?: NodeJS.Timeout
  /** The blkTip `e` last published ("host:port" or ''), to republish when it changes. */
  private publishedE = ''
  /** Live peers (hex) sent our blkTip since its endpoint last changed; a peer that stops being live leaves it. */
  private readonly greeted = new Set<string>()
  /** The txTip ids last published (hex, comma-joined); undefined before the first. */
  private publishedTxTip?: string

  constructor (private readonly ctx: NodeContext) {}

  start (): Stop {
    this.publishTip(true) // first publish: every live peer learns the endpoint
    const timer = setInterval(() => this.tick(), PUBLISH_TICK_MS)
    timer.unref()
    return () => {
      clearInterval(timer)
      if (this.txTipTimer !== undefined) clearTimeout(this.txTipTimer)
    }
  }

  /**
   * `endpointChanged`: the republish is for a new `e`; every live peer must see it, so peers that
   * announced the same block are pushed to as well.
   */
  publishTip (endpointChanged = false): void {
    const { ctx } = this
    // A commit can end while the node stops (its DHT already closed): nothing to publish then.
    if (ctx.signal.aborted || !ctx.engine.running) return
    const tip = ctx.chain.tip()
    let e: Uint8Array | undefined
    const pub = publicEndpointOf(ctx.cfg, ctx.engine).endpoint
    this.publishedE = pub === undefined ? '' : `${pub.host}:${pub.port}`
    try { e = pub === undefined ? undefined : encodeEndpoint(pub) } catch { e = undefined }
    const minedBy = ctx.chain.getBlock(tip.id)?.m
    const mined = minedBy !== undefined && bytesEqual(minedBy, ctx.key.publicKey)
    // A tip we imported reaches our peers by the pushes below; its network put can wait until the
    // block has spread (RELAYED_TIP_PUT_DELAY_MIN_MS).
    const delayMs = mined || endpointChanged ? 0 : RELAYED_TIP_PUT_DELAY_MIN_MS + Math.random() * RELAYED_TIP_PUT_DELAY_SPREAD_MS
    const target = ctx.channels.publish('blkTip', { h: tip.id, n: tip.n, d: tip.d, e }, delayMs).target
    if (endpointChanged) { this.greeted.clear(); this.greet(Date.now()); return }
    this.push(target, tip.id, mined ? 'mined' : 'relay')
  }

  /** `tipId`: a blkTip's block, so peers that announced that block themselves are not pushed to. */
  private push (target: Uint8Array, tipId?: Uint8Array, kind: PushKind = 'all'): void {
    const to = this.pushEndpoints(Date.now(), tipId, kind)
    // Putter.push takes MAX_PUSH_ENDPOINTS at a time; a mined tip may go to more.
    for (let i = 0; i < to.length; i += MAX_PUSH_ENDPOINTS) void this.ctx.putter.push(target, to.slice(i, i + MAX_PUSH_ENDPOINTS), this.ctx.signal)
  }

  /**
   * Sends our blkTip to live peers not greeted since our endpoint last changed, the most recently
   * seen first, at most MAX_PUSH_ENDPOINTS a call (the publisher's tick calls it every PUBLISH_TICK_MS).
   */
  private greet (now: number): void {
    const target = this.ctx.channels.lastTarget('blkTip')
    if (target === undefined) return
    const live = livePeers(this.ctx.peers, now)
    const liveHex = new Set(live.map(p => p.hex))
    // Bounded by the live peers (themselves at most MAX_PEERS): the others leave it here.
    for (const h of this.greeted) if (!liveHex.has(h)) this.greeted.delete(h)
    const to = live.filter(p => !this.greeted.has(p.hex)).sort((a, b) => (b.lastSeenMs ?? 0) - (a.lastSeenMs ?? 0)).slice(0, MAX_PUSH_ENDPOINTS)
    if (to.length === 0) return
    for (const p of to) this.greeted.add(p.hex)
    void this.ctx.putter.push(target, to.map(p => p.endpoint!), this.ctx.signal)
  }

  /** Endpoints a new item goes to (node/pushTargets.ts). */
  pushEndpoints (now = Date.now(), tipId?: Uint8Array, kind: PushKind = 'all'): Endpoint[] {
    return pushTargets(this.ctx.peers, now, tipId, kind)
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
      // Every new tip asks (the pool may have changed); the same ids again are no new pool, and an
      // empty txTip put and pushed after each block cost every node a put, a push and a read
      // back-off reset from every peer (the channels republish an unchanged non-empty value).
      const key = ids.map(toHex).join()
      if (key === this.publishedTxTip) return
      this.publishedTxTip = key
      this.push(this.ctx.channels.publish('txTip', { x: ids }).target)
      if (ids.length === 0) this.ctx.channels.retire('txTip')
    }, TXTIP_PUBLISH_DEBOUNCE_MS)
    this.txTipTimer.unref()
  }

  private tick (): void {
    if (this.ctx.signal.aborted) return
    // The public endpoint was learnt or changed (peers' reports): readers must see it at once.
    const pub = publicEndpointOf(this.ctx.cfg, this.ctx.engine).endpoint
    if ((pub === undefined ? '' : `${pub.host}:${pub.port}`) !== this.publishedE) this.publishTip(true)
    else this.greet(Date.now())
    const { value, changed } = this.ctx.demand.take()
    if (changed) {
      this.push(this.ctx.channels.publish('demand', value).target)
      if (value.b.length + value.x.length + value.m.length === 0) this.ctx.channels.retire('demand')
    }
    this.ctx.channels.republishStale(() => Math.random() * REPUBLISH_SPREAD_MS)
  }
}
