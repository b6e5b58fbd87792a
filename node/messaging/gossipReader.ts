// Reading peers' gossip (PROTOCOL §9; seed design "each public key will check friends gossip
// according to round robin"). Friends are visited first, then every other peer round robin.
// A peer's read interval starts at GOSSIP_READ_INTERVAL_MS and doubles with each read that brought
// nothing new (empty, the same seq, or the same value under a new seq: the new-slot republish), up to the interval the peer announces (`q` minutes) or,
// when it announced none, EMPTY_CHANNEL_BACKOFF_MAX_MS; anything new resets it. A pushed gossip
// item (a verified put stored on this node) is taken like a read; one from a key this node does
// not know can only raise a contact request (its entries naming this node as receiver).
// A known peer's gossip, read or pushed, becomes a GOSSIP_FROM_PEER signal; the messaging pipeline
// takes it from the router and hands it back to take() here, which turns it into hints, demands and
// contact requests.
import { sha256 } from '../../chain/crypto.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import { type Gossip, channelSalt, decodeChannelValue, encodeChannelValue } from '../../dht/index.js'
import type { StoredPut } from '../../dht/engine.js'
import { EMPTY_CHANNEL_BACKOFF_MAX_MS, MAX_PEERS, PREVIOUS_SLOT_GRACE_MS } from '../constants.js'
import { backoffMs } from '../backoff.js'
import type { NodeContext } from '../context.js'
import type { Emit } from '../router.js'
import { GOSSIP_INTERVALS_MIN, GOSSIP_MAX_CONCURRENT_READS, GOSSIP_READ_INTERVAL_MS, GOSSIP_Y_DEMAND } from './constants.js'
import type { FriendBook } from './friends.js'
import { type GossipHint, demandsOf, minutesOf, prioritise } from './gossip.js'
import { pkIdOf } from './validate.js'

export interface GossipReaderDeps {
  ctx: NodeContext
  friends: FriendBook
  /** Hints from a known peer's gossip, best first. */
  onHints: (hints: GossipHint[]) => void
  /** Demanded message ids in a known peer's gossip. */
  onDemands: (ids: Uint8Array[]) => void
  /** A non-friend key whose gossip names this node as receiver of message `h`. */
  onRequest: (key: Uint8Array, h: Uint8Array, via: 'gossip' | 'pushed-gossip') => void
}

export class GossipReader {
  private readonly lastRead = new Map<string, number>()
  /** Reads in a row that brought nothing new, per peer. */
  private readonly misses = new Map<string, number>()
  private readonly lastSeq = new Map<string, number>()
  /** SHA-256 (hex) of the value last read per peer: a slot's republish brings the same value again. */
  private readonly lastValue = new Map<string, string>()
  /** The interval each peer announced (minutes). */
  private readonly announced = new Map<string, number>()
  private inFlight = 0
  private friendCursor = 0
  readonly stats = { read: 0, pushed: 0, unknownPushed: 0 }
  private readonly emit: Emit<'GOSSIP_FROM_PEER'>

  constructor (private readonly d: GossipReaderDeps) {
    this.emit = d.ctx.router.producer('gossipReader', 'GOSSIP_FROM_PEER')
  }

  /** One step: a due friend first, else the next due peer round robin. */
  tick (): void {
    const { ctx, friends } = this.d
    if (ctx.signal.aborted || this.inFlight >= GOSSIP_MAX_CONCURRENT_READS) return
    const now = Date.now()
    const fs = friends.list()
    for (let i = 0; i < fs.length; i++) {
      const f = fs[(this.friendCursor + i) % fs.length]
      if (now - (this.lastRead.get(f.key) ?? 0) < this.intervalOf(f.key)) continue
      this.friendCursor = (this.friendCursor + i + 1) % fs.length
      const peer = ctx.peers.get(f.key)
      if (peer !== undefined) { this.start(peer.key, now); return }
    }
    for (let i = 0; i < ctx.peers.size; i++) {
      const peer = ctx.peers.next()
      if (peer === undefined) return
      if (now - (this.lastRead.get(peer.hex) ?? 0) < this.intervalOf(peer.hex)) continue
      this.start(peer.key, now)
      return
    }
  }

  private start (key: Uint8Array, now: number): void {
    this.lastRead.set(toHex(key), now)
    this.inFlight++
    void this.read(key).finally(() => { this.inFlight-- })
  }

  /** The interval a peer announced in its gossip (ms), when it did. */
  announcedMs (hex: string): number | undefined {
    const q = this.announced.get(hex)
    return q === undefined ? undefined : q * 60_000
  }

  /** The peer's read interval now (ms): doubles per read with nothing new, capped by its `q`. */
  intervalOf (hex: string): number {
    const q = this.announced.get(hex)
    const cap = q !== undefined ? Math.max(EMPTY_CHANNEL_BACKOFF_MAX_MS, q * 60_000) : EMPTY_CHANNEL_BACKOFF_MAX_MS
    return backoffMs(GOSSIP_READ_INTERVAL_MS, this.misses.get(hex) ?? 0, cap)
  }

  private miss (hex: string): void {
    if (this.misses.size >= MAX_PEERS && !this.misses.has(hex)) this.misses.clear() // bounded; only costs reads
    this.misses.set(hex, (this.misses.get(hex) ?? 0) + 1)
  }

  private async read (key: Uint8Array): Promise<void> {
    const { ctx } = this.d
    let item
    try {
      // The owner's own "no value" is final: a node that gossips nothing costs one round trip per slot read.
      item = await ctx.channels.read(key, 'gossip', { endpoint: ctx.peers.get(key)?.endpoint, signal: ctx.signal, ownerAnswerFinal: true, previousSlotGraceMs: PREVIOUS_SLOT_GRACE_MS })
    } catch (e) {
      ctx.log.debug('gossip read failed', { peer: toHex(key).slice(0, 16), err: (e as Error).message })
      return
    }
    if (ctx.signal.aborted) return
    const hex = toHex(key)
    if (item === null || item.seq <= (this.lastSeq.get(hex) ?? -1)) { this.miss(hex); return }
    this.stats.read++
    const digest = toHex(sha256(encodeChannelValue('gossip', item.value)))
    const same = this.lastValue.get(hex) === digest
    if (this.lastValue.size >= MAX_PEERS && !same) this.lastValue.clear() // bounded; only costs reads
    this.lastValue.set(hex, digest)
    // Taken as before (same hints, same demands), but a republished value is no news for the back-off.
    if (same) { this.rememberSeq(hex, item.seq); this.miss(hex) } else this.noteSeq(hex, item.seq)
    this.emit({ type: 'GOSSIP_FROM_PEER', peer: key, seq: item.seq, gossip: item.value })
  }

  /** Remembers the newest seq of a peer's gossip: anything new ends its back-off. */
  private noteSeq (hex: string, seq: number): void {
    this.misses.delete(hex)
    this.rememberSeq(hex, seq)
  }

  private rememberSeq (hex: string, seq: number): void {
    if (this.lastSeq.size >= MAX_PEERS * 2 && !this.lastSeq.has(hex)) this.lastSeq.clear()
    this.lastSeq.set(hex, seq)
  }

  /** A known peer's verified gossip (read or pushed, with a seq above the last one taken), from the router. */
  take (key: Uint8Array, g: Gossip): void {
    const { ctx, friends } = this.d
    const hex = toHex(key)
    if (g.q !== undefined && GOSSIP_INTERVALS_MIN.includes(g.q)) this.announced.set(hex, g.q)
    friends.heard(hex, g.q, g.u)
    ctx.peers.seen(key, {})
    this.requestsIn(key, g, 'gossip')
    const peers = ctx.peers.all().map(p => p.key)
    const hints = prioritise(g, {
      self: ctx.key.publicKey, peers, known: h => ctx.chain.messages.has(h), nowMin: minutesOf(ctx.nowS() * 1000)
    })
    this.d.onHints(hints)
    this.d.onDemands(demandsOf(g))
  }

  /** Entries that name this node as receiver and whose sender resolves to a full key that is not a friend. */
  private requestsIn (publisher: Uint8Array, g: Gossip, via: 'gossip' | 'pushed-gossip'): void {
    const { ctx, friends } = this.d
    const me = pkIdOf(ctx.key.publicKey)
    for (const e of g.g) {
      if (e.y === GOSSIP_Y_DEMAND || !bytesEqual(e.r, me)) continue
      // The publisher's own observations name it; others' pk_ids resolve only when one known peer has it
      // (and only in gossip read from a known peer: a stranger's push speaks for itself alone).
      let sender: Uint8Array | undefined
      if (bytesEqual(e.s, pkIdOf(publisher))) sender = publisher
      else if (via === 'gossip') {
        const matches = ctx.peers.all().filter(p => bytesEqual(pkIdOf(p.key), e.s))
        if (matches.length === 1) sender = matches[0].key
      }
      if (sender === undefined || bytesEqual(sender, ctx.key.publicKey) || friends.has(sender)) continue
      this.d.onRequest(sender, e.h, via)
    }
  }

  /** A verified mutable put stored on this node: taken when it is a gossip item of the current or previous slot. */
  onStoredPut (item: StoredPut): void {
    const { ctx } = this.d
    if (ctx.signal.aborted) return
    const slot = ctx.channels.currentSlot()
    const chainId = ctx.genesis.chainId
    if (!bytesEqual(item.salt, channelSalt(chainId, 'gossip', slot)) && (slot === 0 || !bytesEqual(item.salt, channelSalt(chainId, 'gossip', slot - 1)))) return
    let g: Gossip
    try { g = decodeChannelValue('gossip', item.value) } catch { ctx.engine.stats.reject('bad_channel_value'); return }
    const hex = toHex(item.k)
    if (item.seq <= (this.lastSeq.get(hex) ?? -1)) return
    const peer = ctx.peers.get(item.k)
    if (peer === undefined || ctx.peers.isBanned(peer)) {
      // A key we do not know: it may only ask to be a contact, never steer what we fetch.
      this.stats.unknownPushed++
      this.requestsIn(item.k, g, 'pushed-gossip')
      return
    }
    this.stats.pushed++
    this.lastRead.set(hex, Date.now())
    this.noteSeq(hex, item.seq)
    this.emit({ type: 'GOSSIP_FROM_PEER', peer: item.k, seq: item.seq, gossip: g })
  }
}
