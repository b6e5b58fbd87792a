// Gossip (PROTOCOL §9 `gossip`; seed design "Gossip through the mutable data"): each node publishes
// what it observed — which sender has a new message (tip) for which receiver, and which message ids
// it demands — as entries { s, r: 4-byte pk_ids, y, h, t: minutes }. Readers turn a peer's entries
// into hints: whose chain to walk first (entries addressed to us first, then the newest), and which
// demanded messages they hold and should put.
import { bytesEqual, toHex } from '../../chain/hex.js'
import { type Gossip, type GossipEntry, MAX_GOSSIP_ENTRIES, decodeChannelValue, encodeChannelValue } from '../../dht/index.js'
import { GOSSIP_BOOK_MAX_ENTRIES, GOSSIP_MAX_AGE_MIN, GOSSIP_Y_DEMAND } from './constants.js'
import { pkIdOf } from './validate.js'

/** Receiver pk_id of a public message (no receiver): everyone. */
export const PK_ID_ANYONE = new Uint8Array(4)

export const minutesOf = (ms: number): number => Math.floor(ms / 60_000)

/** The node's own observations, newest first, one per (type, hash). */
export class GossipBook {
  private entries: GossipEntry[] = []

  /** Adds an observation; true when it is new (the caller then publishes at once). */
  add (e: GossipEntry): boolean {
    const dup = this.entries.findIndex(x => x.y === e.y && bytesEqual(x.h, e.h))
    if (dup >= 0) return false
    // A newer tip of the same sender replaces its older one: only the latest matters to readers.
    if (e.y !== GOSSIP_Y_DEMAND) this.entries = this.entries.filter(x => x.y === GOSSIP_Y_DEMAND || !bytesEqual(x.s, e.s) || !bytesEqual(x.r, e.r))
    this.entries.unshift(e)
    if (this.entries.length > GOSSIP_BOOK_MAX_ENTRIES) this.entries.length = GOSSIP_BOOK_MAX_ENTRIES
    return true
  }

  /** Drops a demand once the item arrived. */
  satisfied (h: Uint8Array): void {
    this.entries = this.entries.filter(x => x.y !== GOSSIP_Y_DEMAND || !bytesEqual(x.h, h))
  }

  get size (): number { return this.entries.length }

  /** The channel value: the newest entries that are not too old, at most MAX_GOSSIP_ENTRIES. */
  value (nowMin: number): Gossip {
    return { g: this.entries.filter(e => e.t >= nowMin - GOSSIP_MAX_AGE_MIN).slice(0, MAX_GOSSIP_ENTRIES) }
  }
}

export const encodeGossip = (g: Gossip): Uint8Array => encodeChannelValue('gossip', g)
export const decodeGossip = (b: Uint8Array): Gossip => decodeChannelValue('gossip', b)

export interface GossipHint {
  /** The sender's full key (the peer whose chain to walk). */ sender: Uint8Array
  /** The message id to walk back from. */ h: Uint8Array
  y: number
  t: number
  /** True when the entry names this node as the receiver. */ toMe: boolean
}

export interface PrioritiseInput {
  self: Uint8Array
  /** Known peers' keys (pk_ids are resolved against these). */
  peers: Uint8Array[]
  /** True when the message is already stored. */
  known: (h: Uint8Array) => boolean
  nowMin: number
}

/**
 * Turns one peer's gossip into message hints, best first: addressed to us, then newest.
 * Skips demands, stale entries, known hashes, our own messages and pk_ids no known peer has
 * (several peers may share a pk_id: each becomes a hint; the chain walk checks the sender).
 */
export function prioritise (g: Gossip, o: PrioritiseInput): GossipHint[] {
  const byId = new Map<string, Uint8Array[]>()
  for (const k of o.peers) {
    const id = toHex(pkIdOf(k))
    byId.set(id, [...(byId.get(id) ?? []), k])
  }
  const me = pkIdOf(o.self)
  const out: GossipHint[] = []
  const seen = new Set<string>()
  for (const e of g.g) {
    if (e.y === GOSSIP_Y_DEMAND || e.t < o.nowMin - GOSSIP_MAX_AGE_MIN) continue
    if (seen.has(toHex(e.h)) || o.known(e.h)) continue
    seen.add(toHex(e.h))
    for (const sender of byId.get(toHex(e.s)) ?? []) {
      if (bytesEqual(sender, o.self)) continue
      out.push({ sender, h: e.h, y: e.y, t: e.t, toMe: bytesEqual(e.r, me) })
    }
  }
  return out.sort((a, b) => Number(b.toMe) - Number(a.toMe) || b.t - a.t)
}

/** Demanded message ids in a peer's gossip (the reader puts those it holds). */
export function demandsOf (g: Gossip): Uint8Array[] {
  return g.g.filter(e => e.y === GOSSIP_Y_DEMAND).map(e => e.h)
}
