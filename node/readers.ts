// Channel readers: round-robin over known peers, one channel read per step, each (peer, channel)
// at most once per its interval, a bounded number in flight. Each verified item becomes a signal.
// A peer's blkTip also tells us its DHT endpoint, so later reads and fetches go direct.
// A peer's channel item that reaches us as a verified put (its push, or an ordinary put landing on
// this node) becomes the same signal as a read of it; polling stays as the fallback, and a channel
// a peer leaves empty is polled less and less often (it publishes nothing there, or pushes it).
// A peer's blkTip poll backs off too while it finds the tip already known (pushes bring new ones),
// and its base interval grows with the number of live peers (BLKTIP_DIRECT_POLLS_PER_S).
import { bytesEqual, toHex } from '../chain/hex.js'
import { type ChannelName, channelSalt, decodeChannelValue, decodeEndpoint } from '../dht/index.js'
import type { StoredPut } from '../dht/engine.js'
import {
  BLKTIP_DIRECT_POLLS_PER_S, BLKTIP_DIRECT_READ_INTERVAL_MS, BLKTIP_POLL_MAX_MS, BLKTIP_READ_INTERVAL_MS, BLKTIP_UNCHANGED_BACKOFF_MAX_MS,
  DEMAND_READ_INTERVAL_MS, EMPTY_CHANNEL_BACKOFF_MAX_MS, EMPTY_CHANNEL_POLL_MAX_MS, EMPTY_CHANNEL_READS_PER_S, MAX_CONCURRENT_READS, MAX_PEERS, MSGTIP_READ_INTERVAL_MS, PREVIOUS_SLOT_GRACE_MS, READER_TICK_MS,
  READ_JITTER_FRACTION, READ_MISS_BACKOFF_LIVE_MAX_MS, READ_MISS_BACKOFF_MAX_MS, SILENT_PEER_MISSES, TXTIP_READ_INTERVAL_MS
} from './constants.js'
import { backoffMs } from './backoff.js'
import type { NodeContext } from './context.js'
import type { Pipeline, Stop } from './pipelines/pipeline.js'
import type { PeerInfo } from './peers.js'
import type { Emit } from './router.js'

/** What a scheduled read brought: a new item, the item already taken (no news), or nothing. */
type ReadResult = 'news' | 'same' | 'none'

/** How often the count of live peers (the blkTip poll budget's divisor) is taken again, ms. */
const LIVE_COUNT_EVERY_MS = 1000

const INTERVALS: Partial<Record<ChannelName, number>> = {
  blkTip: BLKTIP_READ_INTERVAL_MS,
  txTip: TXTIP_READ_INTERVAL_MS,
  demand: DEMAND_READ_INTERVAL_MS,
  msgTip: MSGTIP_READ_INTERVAL_MS
}

export class ChannelReaders implements Pipeline {
  private readonly lastRead = new Map<string, number>()
  /** blkTip reads in a row that found nothing, per peer (hex): a genesis account that runs no node. */
  private readonly misses = new Map<string, number>()
  private readonly reading = new Set<string>()
  private inFlight = 0
  /** Reads in a row that found nothing new, per (peer, channel) ("hex:channel"): for blkTip, reads
   *  that found the tip already known; for the others, empty ones (msgTip: also the same message). */
  private readonly empty = new Map<string, number>()
  /** Peers whose endpoint we know (read direct), counted at most every LIVE_COUNT_EVERY_MS. */
  private live = { count: 0, atMs: -Infinity }
  /** Scheduled reads started, per channel, and what they brought (for GET /status and tests). */
  readonly reads = { started: {} as Partial<Record<ChannelName, number>>, news: 0, same: 0, none: 0 }
  /** Highest seq taken per (peer, channel), so a late push never replaces a newer item. */
  private readonly seqs = new Map<string, number>()
  /** Salts of the read channels in the current and previous slot, recomputed when the slot moves. */
  private salts?: { slot: number, list: Array<{ ch: ChannelName, salt: Uint8Array }> }
  /** What became of verified mutable puts stored on this node (pushes and ordinary puts): blkTips and
   *  other channel items taken as signals, and the ones left out, by reason. */
  readonly pushed = { tips: 0, items: 0, unknownKey: 0, otherChannel: 0, stale: 0, badValue: 0 }

  /** The msgTip id last taken per peer (hex → hex): a read that finds the same id brought nothing new. */
  private readonly msgTips = new Map<string, string>()

  /**
   * `msgTipCapMs(peerHex)`: the longest a peer's unchanged msgTip may go unread — the gossip
   * interval it announced (PROTOCOL §9 `q`), from the messaging pipeline; undefined when unknown.
   */
  private readonly emit: Emit<'TIP_BLOCK_FROM_PEER_FOR_MINING' | 'TIP_BLOCK_FROM_PEER_FOR_VOTING' | 'TIP_TX_FOR_MINING' |
    'BLOCK_DEMAND_FROM_PEER' | 'BLOCK_TX_DEMAND_FROM_PEER' | 'MSG_DEMAND_FROM_PEER' | 'TIP_MSG_FROM_PEER'>

  constructor (private readonly ctx: NodeContext, private readonly channels: ChannelName[] = ['blkTip', 'txTip', 'demand'],
    private readonly msgTipCapMs: (peerHex: string) => number | undefined = () => undefined) {
    this.emit = ctx.router.producer('readers', 'TIP_BLOCK_FROM_PEER_FOR_MINING', 'TIP_BLOCK_FROM_PEER_FOR_VOTING', 'TIP_TX_FOR_MINING',
      'BLOCK_DEMAND_FROM_PEER', 'BLOCK_TX_DEMAND_FROM_PEER', 'MSG_DEMAND_FROM_PEER', 'TIP_MSG_FROM_PEER')
  }

  start (): Stop {
    const timer = setInterval(() => this.tick(), READER_TICK_MS)
    timer.unref()
    const unsubscribe = this.ctx.engine.onStoredPut(item => this.onStoredPut(item))
    return () => { clearInterval(timer); unsubscribe() }
  }

  /**
   * A mutable put another node stored here, already verified by the DHT handler (signature over
   * the canonical value, target = SHA-256(k ‖ salt)). It is a signal only when k is a known,
   * unbanned peer and the salt is one of the channels we read, in the current or previous slot,
   * and its seq is above the last one taken; the value is decoded with the channel's strict schema,
   * exactly as a read's, and handled by the same code.
   */
  private onStoredPut (item: StoredPut): void {
    const { ctx } = this
    if (ctx.signal.aborted) return
    const peer = ctx.peers.get(item.k)
    if (peer === undefined || ctx.peers.isBanned(peer)) { this.pushed.unknownKey++; return }
    const ch = this.channelOfSalt(item.salt)
    if (ch === undefined) { this.pushed.otherChannel++; return }
    const k = `${peer.hex}:${ch}`
    if (item.seq <= (this.seqs.get(k) ?? -1)) { this.pushed.stale++; return }
    let value
    try {
      value = decodeChannelValue(ch, item.value)
    } catch {
      ctx.engine.stats.reject('bad_channel_value')
      this.pushed.badValue++
      return
    }
    if (ch === 'blkTip') this.pushed.tips++; else this.pushed.items++
    // Fresh news on this channel: its next scheduled poll can wait a whole interval. A pushed blkTip
    // leaves its poll's back-off as it is (the push path works: the poll is its safety net), and shows
    // the peer is running; another channel's push ends that channel's back-off.
    // Any item of the peer stored here shows it runs: its silence (misses) is over.
    this.lastRead.set(k, Date.now())
    this.misses.delete(peer.hex)
    if (ch !== 'blkTip') this.empty.delete(k)
    this.take(peer, ch, item.seq, value)
  }

  private channelOfSalt (salt: Uint8Array): ChannelName | undefined {
    const slot = this.ctx.channels.currentSlot()
    if (this.salts?.slot !== slot) {
      const chainId = this.ctx.genesis.chainId
      const list: Array<{ ch: ChannelName, salt: Uint8Array }> = []
      for (const ch of this.channels) {
        list.push({ ch, salt: channelSalt(chainId, ch, slot) })
        if (slot > 0) list.push({ ch, salt: channelSalt(chainId, ch, slot - 1) })
      }
      this.salts = { slot, list }
    }
    return this.salts.list.find(x => bytesEqual(x.salt, salt))?.ch
  }

  /** Remembers the highest seq taken per (peer, channel); bounded by clearing (only delays a stale check). */
  private noteSeq (k: string, seq: number): void {
    if (seq <= (this.seqs.get(k) ?? -1)) return
    if (this.seqs.size >= MAX_PEERS * 4 && !this.seqs.has(k)) this.seqs.clear()
    this.seqs.set(k, seq)
  }

  /** A peer's verified blkTip value (from a read or a stored put) → peer info and the mining tip signal. */
  private takeTip (peer: PeerInfo, v: { h: Uint8Array, n: number, d: bigint, e?: Uint8Array }): void {
    const { ctx } = this
    let endpoint
    try { endpoint = v.e !== undefined ? decodeEndpoint(v.e) : undefined } catch { endpoint = undefined }
    const tip = { id: v.h, n: v.n, d: v.d }
    ctx.peers.seen(peer.key, { endpoint, tip })
    this.emit({ type: 'TIP_BLOCK_FROM_PEER_FOR_MINING', peer: peer.key, tip })
  }

  /** Starts due reads until the in-flight bound; visits each peer at most once per tick. */
  private tick (): void {
    if (this.ctx.signal.aborted) return
    const now = Date.now()
    const n = this.ctx.peers.size
    for (let i = 0; i < n && this.inFlight < MAX_CONCURRENT_READS; i++) {
      const peer = this.ctx.peers.next()
      if (peer === undefined) return
      // A peer never seen live whose blkTip keeps missing runs no node (yet): only its blkTip is probed.
      const silent = peer.lastSeenMs === undefined && (this.misses.get(peer.hex) ?? 0) >= SILENT_PEER_MISSES
      for (const ch of this.channels) {
        if (this.inFlight >= MAX_CONCURRENT_READS) return
        if (silent && ch !== 'blkTip') continue
        const k = `${peer.hex}:${ch}`
        if (this.reading.has(k)) continue
        const interval = this.intervalOf(peer, ch, now)
        if (now - (this.lastRead.get(k) ?? 0) < interval) continue
        // The next read's clock starts up to READ_JITTER_FRACTION of an interval early: nodes that
        // started together drift apart instead of polling their peers in step.
        this.lastRead.set(k, now - Math.random() * READ_JITTER_FRACTION * interval)
        this.reading.add(k)
        this.inFlight++
        this.reads.started[ch] = (this.reads.started[ch] ?? 0) + 1
        void this.read(peer, ch).then(r => {
          this.reads[r]++
          if (!this.ctx.signal.aborted) this.note(peer, ch, r)
        }).finally(() => { this.inFlight--; this.reading.delete(k) })
      }
    }
  }

  /**
   * A read's result → the back-off counts. blkTip: nothing at all counts toward the peer being dead
   * (`misses`), the tip already known toward the poll's back-off (`empty`), a new tip ends both.
   * Other channels: empty or the same message counts toward `empty`, news ends it.
   */
  private note (peer: PeerInfo, ch: ChannelName, r: ReadResult): void {
    const k = `${peer.hex}:${ch}`
    const bump = (m: Map<string, number>, key: string): void => {
      if (m.size >= MAX_PEERS * 4 && !m.has(key)) m.clear() // bounded; only restarts backoffs
      m.set(key, (m.get(key) ?? 0) + 1)
    }
    if (ch === 'blkTip') {
      if (r === 'none') { bump(this.misses, peer.hex); return }
      this.misses.delete(peer.hex)
    }
    if (r === 'news') this.empty.delete(k); else bump(this.empty, k)
  }

  /**
   * The base interval of a blkTip poll read direct: BLKTIP_DIRECT_READ_INTERVAL_MS, longer when
   * there are so many live peers that polling each that often would exceed BLKTIP_DIRECT_POLLS_PER_S
   * in all, never above BLKTIP_POLL_MAX_MS.
   */
  private directTipBaseMs (now: number): number {
    const spread = Math.ceil(this.liveCount(now) * 1000 / BLKTIP_DIRECT_POLLS_PER_S)
    return Math.min(BLKTIP_POLL_MAX_MS, Math.max(BLKTIP_DIRECT_READ_INTERVAL_MS, spread))
  }

  /** The empty-channel back-off's cap: EMPTY_CHANNEL_BACKOFF_MAX_MS, longer with many live peers (EMPTY_CHANNEL_READS_PER_S). */
  private emptyCapMs (now: number): number {
    const spread = Math.ceil(this.liveCount(now) * 1000 / EMPTY_CHANNEL_READS_PER_S)
    return Math.min(EMPTY_CHANNEL_POLL_MAX_MS, Math.max(EMPTY_CHANNEL_BACKOFF_MAX_MS, spread))
  }

  /** Peers whose endpoint we know, counted again at most every LIVE_COUNT_EVERY_MS. */
  private liveCount (now: number): number {
    if (now - this.live.atMs >= LIVE_COUNT_EVERY_MS) {
      let count = 0
      for (const p of this.ctx.peers.all()) if (p.endpoint !== undefined) count++
      this.live = { count, atMs: now }
    }
    return this.live.count
  }

  /**
   * The channel's interval for a live peer; for a peer whose blkTip (every node publishes it, every
   * slot) was missing `m` reads in a row, every channel waits at least blkTip's interval × 2^m, up
   * to READ_MISS_BACKOFF_MAX_MS (and after SILENT_PEER_MISSES, only its blkTip is read: tick()); a
   * peer seen live before waits at most READ_MISS_BACKOFF_LIVE_MAX_MS and keeps all its channels read.
   * A peer that publishes nothing (a genesis account with no node)
   * cost two failed recursive lookups per read, and those reads held the in-flight slots that live
   * peers' blkTip reads then waited for. A live peer's other channel that was empty `e` reads in a
   * row (no messages, no demand) waits its interval × 2^e, up to EMPTY_CHANNEL_BACKOFF_MAX_MS or, with
   * many live peers, emptyCapMs: each such read is a round trip to the owner, for nothing.
   * A peer pushes its txTip and demand when it publishes them, which also ends the backoff.
   * A blkTip poll that found the tip already known `e` times in a row waits its base × 2^e, up to
   * BLKTIP_UNCHANGED_BACKOFF_MAX_MS (or the base, when that is longer).
   */
  private intervalOf (peer: PeerInfo, ch: ChannelName, now: number): number {
    // A live peer whose endpoint we know is read direct (one round trip), and pushes its new tips to
    // us: its blkTip poll is only the fallback (directTipBaseMs).
    const base = ch === 'blkTip' && peer.endpoint !== undefined ? this.directTipBaseMs(now) : INTERVALS[ch] ?? TXTIP_READ_INTERVAL_MS
    const m = this.misses.get(peer.hex) ?? 0
    const missCap = peer.lastSeenMs === undefined ? READ_MISS_BACKOFF_MAX_MS : READ_MISS_BACKOFF_LIVE_MAX_MS
    const dead = m === 0 ? base : Math.max(base, backoffMs(BLKTIP_READ_INTERVAL_MS, m, missCap))
    const e = this.empty.get(`${peer.hex}:${ch}`) ?? 0
    // A msgTip that keeps naming the same message backs off too, up to the interval its publisher
    // announced: it promised to gossip at least that often, and pushes its friends what is new.
    const cap = ch === 'blkTip' ? Math.max(base, BLKTIP_UNCHANGED_BACKOFF_MAX_MS)
      : ch === 'msgTip' ? Math.max(this.emptyCapMs(now), this.msgTipCapMs(peer.hex) ?? 0) : this.emptyCapMs(now)
    return Math.max(dead, backoffMs(base, e, cap))
  }

  /**
   * A voting round's read of `key`'s blkTip, now and outside the schedule; its answer is a
   * TIP_BLOCK_FROM_PEER_FOR_VOTING signal, emitted before this resolves true (false: none came).
   * It leaves the schedule and the peer's book alone: the key may be any sampled key.
   */
  async readTipForVote (key: Uint8Array, signal: AbortSignal): Promise<boolean> {
    const { ctx } = this
    let item
    try {
      item = await ctx.channels.read(key, 'blkTip', { endpoint: ctx.peers.get(key)?.endpoint, signal, missMeansSilent: true })
    } catch (e) {
      ctx.log.debug('vote read failed', { peer: toHex(key).slice(0, 16), err: (e as Error).message })
      return false
    }
    if (item === null || signal.aborted) return false
    this.emit({ type: 'TIP_BLOCK_FROM_PEER_FOR_VOTING', peer: key, tip: { id: item.value.h, n: item.value.n, d: item.value.d } })
    return true
  }

  /** One scheduled read: news, the item already taken, or nothing. */
  private async read (peer: PeerInfo, ch: ChannelName): Promise<ReadResult> {
    const { ctx } = this
    let item
    try {
      // The owner's own "no value" ends an empty channel's read (no recursive lookups); not for
      // blkTip, which every node publishes each slot: an empty answer there is a slot boundary
      // or an endpoint another process now holds, and the DHT's copy is the one to find. Only a
      // blkTip miss tells that the key runs no node (the getter's silent-key back-off).
      const final = ch !== 'blkTip'
      item = await ctx.channels.read(peer.key, ch, { endpoint: peer.endpoint, signal: ctx.signal, ownerAnswerFinal: final, previousSlotGraceMs: final ? PREVIOUS_SLOT_GRACE_MS : undefined, missMeansSilent: !final })
    } catch (e) {
      ctx.log.debug('channel read failed', { peer: peer.hex.slice(0, 16), channel: ch, err: (e as Error).message })
      return 'none'
    }
    if (item === null || ctx.signal.aborted) return 'none'
    // The same msgTip as last taken (its slot republish), or the blkTip naming the tip we already
    // hold for the peer, is no news: it counts toward the channel's back-off.
    const h = (item.value as { h: Uint8Array }).h
    const same = ch === 'msgTip' ? this.msgTips.get(peer.hex) === toHex(h)
      : ch === 'blkTip' && peer.tip !== undefined && bytesEqual(peer.tip.id, h)
    this.take(peer, ch, item.seq, item.value)
    return same ? 'same' : 'news'
  }

  /** A verified, decoded channel item of `peer` (read or pushed) → peer info and its signals. */
  private take (peer: PeerInfo, ch: ChannelName, seq: number, value: unknown): void {
    const { ctx } = this
    this.noteSeq(`${peer.hex}:${ch}`, seq)
    switch (ch) {
      case 'blkTip':
        this.takeTip(peer, value as { h: Uint8Array, n: number, d: bigint, e?: Uint8Array })
        break
      case 'txTip': {
        ctx.peers.seen(peer.key, {})
        const ids = (value as { x: Uint8Array[] }).x
        if (ids.length > 0) this.emit({ type: 'TIP_TX_FOR_MINING', peer: peer.key, ids })
        break
      }
      case 'demand': {
        ctx.peers.seen(peer.key, {})
        const d = value as { b: Uint8Array[], x: Uint8Array[], m: Uint8Array[] }
        if (d.b.length > 0) this.emit({ type: 'BLOCK_DEMAND_FROM_PEER', peer: peer.key, ids: d.b })
        if (d.x.length > 0) this.emit({ type: 'BLOCK_TX_DEMAND_FROM_PEER', peer: peer.key, ids: d.x })
        if (d.m.length > 0) this.emit({ type: 'MSG_DEMAND_FROM_PEER', peer: peer.key, ids: d.m })
        break
      }
      case 'msgTip': {
        ctx.peers.seen(peer.key, {})
        if (this.msgTips.size >= MAX_PEERS && !this.msgTips.has(peer.hex)) this.msgTips.clear() // bounded; only costs reads
        this.msgTips.set(peer.hex, toHex((value as { h: Uint8Array }).h))
        this.emit({ type: 'TIP_MSG_FROM_PEER', peer: peer.key, id: (value as { h: Uint8Array }).h })
        break
      }
      default:
        ctx.log.debug('unhandled channel', { channel: ch, peer: toHex(peer.key).slice(0, 16) })
    }
  }
}
