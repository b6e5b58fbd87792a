// Messaging pipeline (PROTOCOL §3, §9, §10 TIP_MSG_FROM_PEER / GET_MSG_FROM_PEER): the node's own
// message chain (send → store → put → msgTip + gossip at once, each message to `o` carrying the
// read receipt `r`), every known peer's chain (walked back from its msgTip, a gossip hint or a
// receipt, bounded, missing ids through demand), friends and contact requests, and gossip (put
// when it changed, the new-slot republish is Channels'; read by messaging/gossipReader.ts).
import { join } from 'node:path'
import { type Subscription } from 'rxjs'
import { NodeError, isChainOrNodeError } from '../errors.js'
import { bytesEqual, fromHex, toHex } from '../../chain/hex.js'
import { MSG_TYPE_ENCRYPTED, MSG_TYPE_TEXT } from '../../chain/constants.js'
import { type Message, createMessage, encodeMessage, messageId } from '../../chain/message.js'
import { encryptBody } from '../../chain/messageCrypto.js'
import { channelSalt, mutableTarget } from '../../dht/index.js'
import { PENALTY_INVALID_DATA, REPUT_AFTER_MS } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'
import { MessageChains } from '../messaging/chains.js'
import {
  GOSSIP_PUBLISHER_TICK_MS, GOSSIP_PUBLISH_DEBOUNCE_MS, GOSSIP_READER_TICK_MS, GOSSIP_Y_DEMAND, LIST_MAX_SENDERS, SYNC_CONCURRENCY, SYNC_QUEUE_MAX
} from '../messaging/constants.js'
import { type ConversationItem, conversation, receiptTrusted } from '../messaging/conversation.js'
import { type Friend, FriendBook } from '../messaging/friends.js'
import { PK_ID_ANYONE, minutesOf } from '../messaging/gossip.js'
import { GossipPublisher } from '../messaging/gossipPublisher.js'
import { GossipReader } from '../messaging/gossipReader.js'
import { HeadStore } from '../messaging/heads.js'
import { RequestBook } from '../messaging/requests.js'
import { pkIdOf, validateMessage } from '../messaging/validate.js'

export interface SendRequest { text: string, to?: Uint8Array, encrypt?: boolean }

interface SyncJob { sender: Uint8Array, tip: Uint8Array, peer?: Uint8Array }

const utf8 = new TextEncoder()
const MAX_RECENT_PUTS = 1024

export class MessagesPipeline implements Pipeline {
  readonly heads: HeadStore
  readonly chains: MessageChains
  readonly friends: FriendBook
  readonly requests = new RequestBook()
  readonly gossip: GossipPublisher
  readonly reader: GossipReader
  private readonly queue = new Map<string, SyncJob>()
  private readonly running = new Set<string>()
  private readonly recentPuts = new Map<string, number>()
  private sendLock: Promise<unknown> = Promise.resolve()
  private readonly timers: NodeJS.Timeout[] = []
  private gossipTimer?: NodeJS.Timeout
  private pushedSlot = -1
  private sub?: Subscription
  private unsubscribePuts?: () => void
  private stopped = false
  /** Counters for status and tests. */
  readonly stats = { sent: 0, received: 0, rejected: 0, receipts: 0 }

  constructor (private readonly ctx: NodeContext) {
    const self = toHex(ctx.key.publicKey)
    const dir = join(ctx.cfg.dataDir, 'messaging')
    this.heads = new HeadStore(dir, self)
    this.friends = new FriendBook(dir, self, ctx.cfg.friends ?? [])
    this.chains = new MessageChains({
      heads: this.heads,
      rules: () => ({ chainId: ctx.genesis.chainId, nowS: ctx.nowS() }),
      getStored: id => ctx.chain.messages.get(id),
      putStored: m => ctx.chain.messages.put(m),
      fetch: (id, peer) => ctx.fetcher.message(id, peer),
      onNew: (m, id) => this.onNew(m, id)
    })
    this.gossip = new GossipPublisher({
      put: v => { ctx.channels.publish('gossip', v) },
      nowMs: () => ctx.nowS() * 1000,
      nickname: ctx.cfg.nickname !== undefined ? utf8.encode(ctx.cfg.nickname) : undefined
    })
    this.reader = new GossipReader({
      ctx,
      friends: this.friends,
      // Gossip-guided first: hinted chains go to the front of the walk queue, ours before others'.
      onHints: hints => { for (const h of [...hints].reverse()) this.enqueue({ sender: h.sender, tip: h.h, peer: h.sender }, true) },
      onDemands: ids => { for (const id of ids) this.answerDemand(id) },
      onRequest: (key, h, via) => { this.requests.note(toHex(key), toHex(h), via) }
    })
  }

  start (): Stop {
    const { ctx } = this
    // Friends are peers; the config file's are also the 'config' peer source.
    for (const f of this.friends.list()) {
      ctx.peers.add(fromHex(f.key), 'friend')
      if (f.fromConfig) ctx.peers.add(fromHex(f.key), 'config')
    }
    this.sub = ctx.router.on('messages', 'TIP_MSG_FROM_PEER', 'GET_MSG_FROM_PEER', 'GOSSIP_FROM_PEER').subscribe(s => {
      if (s.type === 'TIP_MSG_FROM_PEER') this.enqueue({ sender: s.peer, tip: s.id, peer: s.peer })
      else if (s.type === 'GOSSIP_FROM_PEER') this.reader.take(s.peer, s.gossip)
      // A message fetched outside a chain walk is a tip of its sender's chain.
      else if (!this.running.has(toHex(s.message.f))) this.enqueue({ sender: s.message.f, tip: s.id, peer: s.peer })
    })
    this.unsubscribePuts = ctx.engine.onStoredPut(item => { this.reader.onStoredPut(item) })
    const own = this.heads.get(toHex(ctx.key.publicKey))
    if (own !== undefined) this.publishTip(fromHex(own.id))
    this.gossip.flush() // readers learn our interval and nickname
    const read = setInterval(() => { if (!this.stopped) this.reader.tick() }, GOSSIP_READER_TICK_MS)
    const pub = setInterval(() => this.publisherTick(), GOSSIP_PUBLISHER_TICK_MS)
    read.unref(); pub.unref()
    this.timers.push(read, pub)
    return () => { this.stop() }
  }

  private stop (): void {
    this.stopped = true
    this.sub?.unsubscribe()
    this.unsubscribePuts?.()
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
    if (this.stopped) throw new NodeError('MSG_NODE_STOPPING', 'the node is stopping')
    const plain = utf8.encode(req.text)
    const encrypt = req.encrypt === true
    if (encrypt && req.to === undefined) throw new NodeError('MSG_BAD_RECEIVER', 'an encrypted message needs a receiver (to)')
    if (req.to !== undefined && bytesEqual(req.to, ctx.key.publicKey)) throw new NodeError('MSG_BAD_RECEIVER', 'a message to this node itself')
    const aad = { chainId: ctx.genesis.chainId, from: ctx.key.publicKey, to: req.to ?? new Uint8Array(32) }
    const body = encrypt ? encryptBody(plain, ctx.key.secretKey, aad) : plain
    const prev = this.chains.head(ctx.key.publicKey)
    // The read receipt: the newest message from the receiver this node holds (its chain head).
    const theirs = req.to !== undefined ? this.chains.head(req.to) : undefined
    const m = createMessage(ctx.key.secretKey, {
      chainId: ctx.genesis.chainId, from: ctx.key.publicKey, to: req.to, timestamp: Math.max(ctx.nowS(), prev?.t ?? 0),
      prev: prev !== undefined ? messageId(prev) : undefined, receipt: theirs !== undefined ? messageId(theirs) : undefined,
      type: encrypt ? MSG_TYPE_ENCRYPTED : MSG_TYPE_TEXT, body
    })
    validateMessage(m, { chainId: ctx.genesis.chainId, nowS: ctx.nowS() })
    const id = messageId(m)
    await ctx.chain.messages.put(m)
    this.chains.appendOwn(m, id)
    ctx.putter.putImmutable(encodeMessage(m))
    if (req.to !== undefined) { ctx.peers.add(req.to, 'message'); this.gossip.activity() }
    this.stats.sent++
    this.observe(m, id)
    // Something to send: msgTip and gossip go out at once, and straight to the friends we can reach.
    const tipTarget = this.publishTip(id)
    this.publishGossipNow()
    if (tipTarget !== undefined) this.pushToFriends(tipTarget)
    ctx.events.emit('message', { message: m, id })
    ctx.log.info('message sent', { id: toHex(id), to: req.to && toHex(req.to).slice(0, 16), encrypted: encrypt, receipt: theirs !== undefined })
    return { id, message: m }
  }

  private publishTip (id: Uint8Array): Uint8Array | undefined {
    try { return this.ctx.channels.publish('msgTip', { h: id }).target } catch (e) { this.ctx.log.warn('msgTip publish failed', { err: (e as Error).message }); return undefined }
  }

  // ---- friends and requests ----------------------------------------------------------------------

  addFriend (key: string, name?: string): { friend: Friend, added: boolean } {
    const r = this.friends.add(key, name)
    const k = fromHex(r.friend.key)
    this.ctx.peers.add(k, 'friend')
    // What the request named is where its chain walk starts; the msgTip reads find the rest.
    const req = this.requests.get(r.friend.key)
    this.requests.remove(r.friend.key)
    if (req?.latest != null && !this.ctx.chain.messages.has(fromHex(req.latest))) this.enqueue({ sender: k, tip: fromHex(req.latest), peer: k }, true)
    return r
  }

  removeFriend (key: string): boolean {
    const had = this.friends.remove(key)
    if (had) this.ctx.peers.dropSource(fromHex(key.toLowerCase()), 'friend')
    return had
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
      if (r.missing !== undefined && this.gossip.observe({ s: pkIdOf(ctx.key.publicKey), r: pkIdOf(job.sender), y: GOSSIP_Y_DEMAND, h: r.missing, t: this.nowMin() })) this.scheduleGossip()
    } catch (e) {
      if (!isChainOrNodeError(e)) { ctx.log.error('message chain walk failed', { err: (e as Error).stack }); return }
      this.stats.rejected++
      ctx.log.warn('message rejected', { code: e.code, sender: toHex(job.sender).slice(0, 16), tip: toHex(job.tip), err: e.message })
      if (job.peer !== undefined) ctx.peers.penalise(job.peer, PENALTY_INVALID_DATA)
    }
  }

  private onNew (m: Message, id: Uint8Array): void {
    const { ctx } = this
    const me = ctx.key.publicKey
    this.stats.received++
    ctx.peers.add(m.f, 'message')
    this.gossip.book.satisfied(id)
    this.observe(m, id)
    const toMe = m.o !== undefined && bytesEqual(m.o, me)
    if (toMe) {
      if (this.friends.has(m.f)) this.gossip.activity()
      else this.requests.note(toHex(m.f), toHex(id), 'message')
    }
    ctx.events.emit('message', { message: m, id })
    if (m.r !== undefined) {
      if (toMe && receiptTrusted(m, i => ctx.chain.messages.get(i))) {
        this.stats.receipts++
        ctx.events.emit('receipt', { from: m.f, message: m.r, by: id })
      } else if (m.o !== undefined && !toMe && ctx.peers.get(m.o) !== undefined && !ctx.chain.messages.has(m.r)) {
        // The DAG walk follows `r` too: the other side's chain, from the message this one names.
        this.enqueue({ sender: m.o, tip: m.r })
      }
    }
    ctx.log.info('message received', { id: toHex(id), from: toHex(m.f).slice(0, 16), encrypted: m.y === MSG_TYPE_ENCRYPTED })
  }

  // ---- gossip ------------------------------------------------------------------------------------

  private nowMin (): number { return minutesOf(this.ctx.nowS() * 1000) }

  /** A new tip of a sender: gossip it at once. */
  private observe (m: Message, id: Uint8Array): void {
    if (this.gossip.observe({ s: pkIdOf(m.f), r: m.o !== undefined ? pkIdOf(m.o) : PK_ID_ANYONE, y: m.y, h: id, t: minutesOf(m.t * 1000) })) this.scheduleGossip()
  }

  private scheduleGossip (): void {
    if (this.gossipTimer !== undefined || this.stopped) return
    this.gossipTimer = setTimeout(() => { this.gossipTimer = undefined; this.flushGossip() }, GOSSIP_PUBLISH_DEBOUNCE_MS)
    this.gossipTimer.unref()
  }

  private flushGossip (): boolean {
    if (this.stopped || this.ctx.signal.aborted) return false
    try {
      return this.gossip.flush()
    } catch (e) {
      this.ctx.log.warn('gossip publish failed', { err: (e as Error).message })
      return false
    }
  }

  /** A send: no debounce, and the item goes straight to the friends' endpoints too. */
  private publishGossipNow (): void {
    if (this.gossipTimer !== undefined) { clearTimeout(this.gossipTimer); this.gossipTimer = undefined }
    if (this.flushGossip()) this.pushToFriends(this.gossipTarget())
  }

  private gossipTarget (): Uint8Array {
    return mutableTarget(this.ctx.key.publicKey, channelSalt(this.ctx.genesis.chainId, 'gossip', this.ctx.channels.currentSlot()))
  }

  private pushToFriends (target: Uint8Array): void {
    const eps = this.friends.keys().map(k => this.ctx.peers.get(k)?.endpoint).filter(e => e !== undefined)
    if (eps.length > 0) void this.ctx.putter.push(target, eps, this.ctx.signal)
  }

  /**
   * Each second: the interval may fall back to the default after a quiet period (a change, so a
   * put); and once per slot, after Channels has republished our gossip, it goes to the friends we
   * can reach (a friend that does not know us hears of our messages this way).
   */
  private publisherTick (): void {
    if (this.stopped || this.ctx.signal.aborted) return
    this.flushGossip()
    const slot = this.ctx.channels.currentSlot()
    if (slot === this.pushedSlot || this.friends.size === 0) return
    const target = this.gossipTarget()
    if (this.ctx.engine.ownItem(target) === undefined) return // not republished in this slot yet
    this.pushedSlot = slot
    this.pushToFriends(target)
  }

  private answerDemand (id: Uint8Array): void {
    const m = this.ctx.chain.messages.get(id)
    if (m === undefined) return
    const hex = toHex(id)
    const now = Date.now()
    if ((this.recentPuts.get(hex) ?? 0) > now) return
    if (this.recentPuts.size >= MAX_RECENT_PUTS) this.recentPuts.delete(this.recentPuts.keys().next().value as string)
    this.recentPuts.set(hex, now + REPUT_AFTER_MS)
    this.ctx.putter.putImmutable(encodeMessage(m))
  }

  // ---- listing -----------------------------------------------------------------------------------

  /** The conversation with `other`, newest first, with delivered / read states. */
  conversation (other: Uint8Array): ConversationItem[] {
    return conversation({
      self: this.ctx.key.publicKey,
      getStored: id => this.ctx.chain.messages.get(id),
      chainOf: (sender, limit) => this.chains.listSender(sender, limit)
    }, other)
  }

  /** Newest first: one sender's chain, or every known sender's merged by time. */
  list (o: { peer?: Uint8Array, before?: Uint8Array, limit: number }): Array<{ m: Message, id: Uint8Array }> {
    const before = o.before !== undefined ? this.ctx.chain.messages.get(o.before) : undefined
    if (o.before !== undefined && before === undefined) throw new NodeError('MSG_NOT_FOUND', 'no message with the id given as before')
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
