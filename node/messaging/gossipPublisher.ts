// What this node gossips and when (PROTOCOL §9, v2 `q` and `u`): its observations, the interval it
// promises to keep (`q`: GOSSIP_ACTIVE_INTERVAL_MIN while a conversation is active, back to
// GOSSIP_DEFAULT_INTERVAL_MIN after CONVERSATION_QUIET_MS without a message) and its nickname.
// §9 allows a put only when the item changed or a new slot starts: flush() puts only when the
// encoded value differs from the last one put; the new-slot republish is Channels.republishStale's.
// The clock is injected so a simulated clock can count puts (test/unit/messaging/gossipPuts.test.ts).
import { toHex } from '../../chain/hex.js'
import type { Gossip, GossipEntry } from '../../dht/index.js'
import { CONVERSATION_QUIET_MS, GOSSIP_ACTIVE_INTERVAL_MIN, GOSSIP_DEFAULT_INTERVAL_MIN } from './constants.js'
import { GossipBook, encodeGossip, minutesOf } from './gossip.js'

export interface GossipPublisherDeps {
  /** Puts the value on the gossip channel (Channels.publish); returns nothing the publisher needs. */
  put: (value: Gossip) => void
  nowMs: () => number
  /** UTF-8 nickname, ≤ MAX_NICKNAME_BYTES (checked by the config). */
  nickname?: Uint8Array
}

export class GossipPublisher {
  readonly book = new GossipBook()
  private lastPut?: string
  private lastActivityMs?: number
  /** Puts made by flush() (changes only). */
  puts = 0

  constructor (private readonly d: GossipPublisherDeps) {}

  /** Records an observation; true when it is new (the caller then flushes, debounced). */
  observe (e: GossipEntry): boolean { return this.book.add(e) }

  /** A message sent or received in a conversation: the node gossips at the active interval. */
  activity (): void { this.lastActivityMs = this.d.nowMs() }

  /** The interval this node announces now (minutes). */
  interval (): number {
    const now = this.d.nowMs()
    return this.lastActivityMs !== undefined && now - this.lastActivityMs < CONVERSATION_QUIET_MS ? GOSSIP_ACTIVE_INTERVAL_MIN : GOSSIP_DEFAULT_INTERVAL_MIN
  }

  value (): Gossip {
    const v: Gossip = { ...this.book.value(minutesOf(this.d.nowMs())), q: this.interval() }
    if (this.d.nickname !== undefined && this.d.nickname.length > 0) v.u = this.d.nickname
    return v
  }

  /** Puts the value if it differs from the last one put; true when it put. */
  flush (): boolean {
    // A node with nothing to say (no observation, no nickname) puts nothing: most miners never chat,
    // and an empty item every slot would be pure DHT load. Readers assume the default until told.
    if (this.lastPut === undefined && this.book.size === 0 && (this.d.nickname?.length ?? 0) === 0) return false
    const v = this.value()
    const hex = toHex(encodeGossip(v))
    if (hex === this.lastPut) return false
    this.d.put(v)
    this.lastPut = hex
    this.puts++
    return true
  }
}
