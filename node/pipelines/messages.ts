// Messaging pipeline (PROTOCOL §3, §9, §10 TIP_MSG_FROM_PEER / GET_MSG_FROM_PEER): the node's own
// message chain (send → store → put → msgTip + gossip at once), every known peer's chain (walked
// back from its msgTip or from a gossip hint, bounded, missing ids through demand), and gossip
// (published when something is new, else every GOSSIP_FREQUENCY_MIN; read round robin).
import { join } from 'node:path'
import { type Subscription } from 'rxjs'
import { ChainError, isChainError } from '../../chain/errors.js'
import { fromHex, toHex } from '../../chain/hex.js'
import { MSG_TYPE_ENCRYPTED, MSG_TYPE_TEXT } from '../../chain/constants.js'
import { type Message, createMessage, encodeMessage, messageId } from '../../chain/message.js'
import { encryptBody } from '../../chain/messageCrypto.js'
import { EMPTY_CHANNEL_BACKOFF_MAX_MS, MAX_PEERS, PENALTY_INVALID_DATA, REPUT_AFTER_MS } from '../constants.js'
import { backoffMs } from '../backoff.js'
import type { NodeContext } from '../context.js'
import { MessageChains } from '../messaging/chains.js'
import {
  GOSSIP_FREQUENCY_MS, GOSSIP_MAX_CONCURRENT_READS, GOSSIP_PUBLISH_DEBOUNCE_MS, GOSSIP_READER_TICK_MS, GOSSIP_READ_INTERVAL_MS,
  GOSSIP_Y_DEMAND, LIST_MAX_SENDERS, SYNC_CONCURRENCY, SYNC_QUEUE_MAX
} from '../messaging/constants.js'
import { GossipBook, PK_ID_ANYONE, demandsOf, minutesOf, prioritise } from '../messaging/gossip.js'
import { HeadStore } from '../messaging/heads.js'
import { pkIdOf, validateMessage } from '../messaging/validate.js'

export interface SendRequest { text: string, to?: Uint8Array, encrypt?: boolean }

interface SyncJob { sender: Uint8Array, tip: Uint8Array, peer?: Uint8Array }

const utf8 = new TextEncoder()
const MAX_RECENT_PUTS = 1024

export class MessagesPipeline {
  readonly heads: HeadStore
  readonly chains: MessageChains
  readonly book = new GossipBook()
  private readonly queue = new Map<string, SyncJob>()
  private readonly running = new Set<string>()
  private readonly lastGossipRead = new Map<string, number>()
  /** Reads in a row that found a peer's gossip empty (most nodes have nothing to gossip most of the time). */
  private readonly gossipMisses = new Map<string, number>()
  private readonly recentPuts = new Map<string, number>()
  private gossipInFlight = 0
  private sendLock: Promise<unknown> = Promise.resolve()
  private readonly timers: NodeJS.Timeout[] = []
  private gossipTimer?: NodeJS.Timeout
  private sub?: Subscription
  private stopped = false
  /** Counters for status and tests. */
  readonly stats = { sent: 0, received: 0, rejected: 0, gossipPublished: 0, gossipRead: 0 }

  constructor (private readonly ctx: NodeContext) {
    const self = toHex(ctx.key.publicKey)
    this.heads = new HeadStore(join(ctx.cfg.dataDir, 'messaging'), self)
    this.chains = new MessageChains({
      heads: this.heads,
      rules: () => ({ chainId: ctx.genesis.chainId, nowS: ctx.nowS() }),
      getStored: id => ctx.chain.store.getMessage(id),
      putStored: m => ctx.chain.store.putMessage(m),
      fetch: (id, peer) => ctx.fetcher.message(id, peer),
      onNew: (m, id) => this.onNew(m, id)
    })
  }

  start (): void {
    const { ctx } = this
    this.sub = ctx.router.on('TIP_MSG_FROM_PEER', 'GET_MSG_FROM_PEER').subscribe(s => {
      if (s.type === 'TIP_MSG_FROM_PEER') this.enqueue({ sender: s.peer, tip: s.id, peer: s.peer })
      // A message fetched outside a chain walk is a tip of its sender's chain.
      else if (!this.running.has(toHex(s.message.f))) this.enqueue({ sender: s.message.f, tip: s.id, peer: s.peer })
    })
    const own = this.heads.get(toHex(ctx.key.publicKey))
    if (own !== undefined) this.publishTip(fromHex(own.id))
    const tick = setInterval(() => this.gossipTick(), GOSSIP_READER_TICK_MS)
    const freq = setInterval(() => this.publishGossip(), GOSSIP_FREQUENCY_MS)
    tick.unref(); freq.unref()
    this.timers.push(tick, freq)
  }

  stop (): void {
    this.stopped = true
    this.sub?.unsubscribe()
    for (const t of this.timers) clearInterval(t)
    if (this.gossipTimer !== undefined) clearTimeout(this.gossipTimer)
    this.queue.clear()
  }

  // ---- own messages ------------------------------------------------------------------------------

  /** Signs, stores and publishes a message; sends are serialised so the own chain never forks. */
  send (req: SendRequest): Promise<{ id: Uint8Array, message: Message }> {
    const run = this.sendLock.then(async () => await this.sendNow(req))
    this.sendLock = run.catch(() => {})
    return run
  }

  private async sendNow (req: SendRequest): Promise<{ id: Uint8Array, message: Message }> {
    const { ctx } = this
    if (this.stopped) throw new ChainError('MSG_NODE_STOPPING', 'the node is stopping')
    const plain = utf8.encode(req.text)
    const encrypt = req.encrypt === true
    if (encrypt && req.to === undefined) throw new ChainError('MSG_BAD_RECEIVER', 'an encrypted message needs a receiver (to)')
    const aad = { chainId: ctx.genesis.chainId, from: ctx.key.publicKey, to: req.to ?? new Uint8Array(32) }
    const body = encrypt ? encryptBody(plain, ctx.key.secretKey, aad) : plain
    const prev = this.chains.head(ctx.key.publicKey)
    const m = createMessage(ctx.key.secretKey, {
      chainId: ctx.genesis.chainId, from: ctx.key.publicKey, to: req.to, timestamp: Math.max(ctx.nowS(), prev?.t ?? 0),
      prev: prev !== undefined ? messageId(prev) : undefined, type: encrypt ? MSG_TYPE_ENCRYPTED : MSG_TYPE_TEXT, body
    })
    validateMessage(m, { chainId: ctx.genesis.chainId, nowS: ctx.nowS() })
    const id = messageId(m)
    await ctx.chain.store.putMessage(m)
    this.chains.appendOwn(m, id)
    ctx.putter.putImmutable(encodeMessage(m))
    this.publishTip(id)
    if (req.to !== undefined) ctx.peers.add(req.to, 'message')
    this.stats.sent++
    this.observe(m, id)
    ctx.events.emit('message', { message: m, id })
    ctx.log.info('message sent', { id: toHex(id), to: req.to && toHex(req.to).slice(0, 16), encrypted: encrypt })
    return { id, message: m }
  }

  private publishTip (id: Uint8Array): void {
    try { this.ctx.channels.publish('msgTip', { h: id }) } catch (e) { this.ctx.log.warn('msgTip publish failed', { err: (e as Error).message }) }
  }

  // ---- peers' chains -----------------------------------------------------------------------------

  /** Queues a chain walk; one per sender (a newer tip replaces the queued one); bounded. */
  enqueue (job: SyncJob, front = false): void {
    if (this.stopped || this.ctx.signal.aborted) return
    const hex = toHex(job.sender)
    if (hex === toHex(this.ctx.key.publicKey)) return
    if (this.heads.get(hex)?.id === toHex(job.tip)) return
    if (!this.queue.has(hex) && this.queue.size >= SYNC_QUEUE_MAX) {
      if (!front) return
      this.queue.delete(this.queue.keys().next().value as string)
    }
    this.queue.delete(hex)
    if (front) {
      const rest = [...this.queue]
      this.queue.clear()
      this.queue.set(hex, job)
      for (const [k, v] of rest) this.queue.set(k, v)
    } else this.queue.set(hex, job)
    this.pump()
  }

  private pump (): void {
    for (const [hex, job] of this.queue) {
      if (this.running.size >= SYNC_CONCURRENCY) return
      if (this.running.has(hex)) continue
      this.queue.delete(hex)
      this.running.add(hex)
      void this.walk(job).finally(() => { this.running.delete(hex); this.pump() })
    }
  }

  private async walk (job: SyncJob): Promise<void> {
    const { ctx } = this
    try {
      const r = await this.chains.sync(job.sender, job.tip, job.peer)
      if (r.missing !== undefined && this.book.add({ s: pkIdOf(ctx.key.publicKey), r: pkIdOf(job.sender), y: GOSSIP_Y_DEMAND, h: r.missing, t: this.nowMin() })) this.scheduleGossip()
    } catch (e) {
      if (!isChainError(e)) { ctx.log.error('message chain walk failed', { err: (e as Error).stack }); return }
      this.stats.rejected++
      ctx.log.warn('message rejected', { code: e.code, sender: toHex(job.sender).slice(0, 16), tip: toHex(job.tip), err: e.message })
      if (job.peer !== undefined) ctx.peers.penalise(job.peer, PENALTY_INVALID_DATA)
    }
  }

  private onNew (m: Message, id: Uint8Array): void {
    const { ctx } = this
    this.stats.received++
    ctx.peers.add(m.f, 'message')
    this.book.satisfied(id)
    this.observe(m, id)
    ctx.events.emit('message', { message: m, id })
    ctx.log.info('message received', { id: toHex(id), from: toHex(m.f).slice(0, 16), encrypted: m.y === MSG_TYPE_ENCRYPTED })
  }

  // ---- gossip ------------------------------------------------------------------------------------

  private nowMin (): number { return minutesOf(this.ctx.nowS() * 1000) }

  /** A new tip of a sender: gossip it at once. */
  private observe (m: Message, id: Uint8Array): void {
    if (this.book.add({ s: pkIdOf(m.f), r: m.o !== undefined ? pkIdOf(m.o) : PK_ID_ANYONE, y: m.y, h: id, t: minutesOf(m.t * 1000) })) this.scheduleGossip()
  }

  private scheduleGossip (): void {
    if (this.gossipTimer !== undefined || this.stopped) return
    this.gossipTimer = setTimeout(() => { this.gossipTimer = undefined; this.publishGossip() }, GOSSIP_PUBLISH_DEBOUNCE_MS)
    this.gossipTimer.unref()
  }

  private publishGossip (): void {
    if (this.stopped || this.ctx.signal.aborted || this.book.size === 0) return
    try {
      this.ctx.channels.publish('gossip', this.book.value(this.nowMin()))
      this.stats.gossipPublished++
    } catch (e) {
      this.ctx.log.warn('gossip publish failed', { err: (e as Error).message })
    }
  }

  /** One step of the gossip reader: the next peer whose gossip is due, round robin. */
  private gossipTick (): void {
    const { ctx } = this
    if (this.stopped || ctx.signal.aborted) return
    const now = Date.now()
    for (let i = 0; i < ctx.peers.size && this.gossipInFlight < GOSSIP_MAX_CONCURRENT_READS; i++) {
      const peer = ctx.peers.next()
      if (peer === undefined) return
      if (now - (this.lastGossipRead.get(peer.hex) ?? 0) < this.gossipIntervalOf(peer.hex)) continue
      this.lastGossipRead.set(peer.hex, now)
      this.gossipInFlight++
      void this.readGossip(peer.key).finally(() => { this.gossipInFlight-- })
      return
    }
  }

  /**
   * A peer whose gossip read empty m times in a row is read at GOSSIP_READ_INTERVAL_MS × 2^m, up to
   * EMPTY_CHANNEL_BACKOFF_MAX_MS: each empty read was a direct and a recursive lookup on two slots,
   * every few seconds per peer, and it was the largest share of an idle node's DHT work.
   */
  private gossipIntervalOf (hex: string): number {
    return backoffMs(GOSSIP_READ_INTERVAL_MS, this.gossipMisses.get(hex) ?? 0, EMPTY_CHANNEL_BACKOFF_MAX_MS)
  }

  private async readGossip (peerKey: Uint8Array): Promise<void> {
    const { ctx } = this
    let item
    try {
      item = await ctx.channels.read(peerKey, 'gossip', { endpoint: ctx.peers.get(peerKey)?.endpoint, signal: ctx.signal })
    } catch (e) {
      ctx.log.debug('gossip read failed', { peer: toHex(peerKey).slice(0, 16), err: (e as Error).message })
      return
    }
    if (this.stopped) return
    const hex = toHex(peerKey)
    if (item === null) {
      if (this.gossipMisses.size >= MAX_PEERS && !this.gossipMisses.has(hex)) this.gossipMisses.clear() // bounded; only costs reads
      this.gossipMisses.set(hex, (this.gossipMisses.get(hex) ?? 0) + 1)
      return
    }
    this.gossipMisses.delete(hex)
    this.stats.gossipRead++
    const hints = prioritise(item.value, {
      self: ctx.key.publicKey, peers: ctx.peers.all().map(p => p.key), known: h => ctx.chain.store.hasMessage(h), nowMin: this.nowMin()
    })
    // Gossip-guided first: hinted chains go to the front of the walk queue, ours before others'.
    for (const h of hints.reverse()) this.enqueue({ sender: h.sender, tip: h.h, peer: h.sender }, true)
    for (const id of demandsOf(item.value)) this.answerDemand(id)
  }

  private answerDemand (id: Uint8Array): void {
    const m = this.ctx.chain.store.getMessage(id)
    if (m === undefined) return
    const hex = toHex(id)
    const now = Date.now()
    if ((this.recentPuts.get(hex) ?? 0) > now) return
    if (this.recentPuts.size >= MAX_RECENT_PUTS) this.recentPuts.delete(this.recentPuts.keys().next().value as string)
    this.recentPuts.set(hex, now + REPUT_AFTER_MS)
    this.ctx.putter.putImmutable(encodeMessage(m))
  }

  // ---- listing -----------------------------------------------------------------------------------

  /** Newest first: one sender's chain, or every known sender's merged by time. */
  list (o: { peer?: Uint8Array, before?: Uint8Array, limit: number }): Array<{ m: Message, id: Uint8Array }> {
    const before = o.before !== undefined ? this.ctx.chain.store.getMessage(o.before) : undefined
    if (o.before !== undefined && before === undefined) throw new ChainError('MSG_NOT_FOUND', 'no message with the id given as before')
    if (o.peer !== undefined) return this.chains.listSender(o.peer, o.limit, { before, cutoffT: before !== undefined && toHex(before.f) !== toHex(o.peer) ? before.t : undefined })
    const all: Array<{ m: Message, id: Uint8Array }> = []
    for (const hex of this.heads.senders().slice(0, LIST_MAX_SENDERS)) {
      const sender = fromHex(hex)
      const own = before !== undefined && toHex(before.f) === hex
      all.push(...this.chains.listSender(sender, o.limit, { before: own ? before : undefined, cutoffT: before !== undefined && !own ? before.t : undefined }))
    }
    return all.sort((a, b) => b.m.t - a.m.t || (toHex(a.id) < toHex(b.id) ? 1 : -1)).slice(0, o.limit)
  }
}
