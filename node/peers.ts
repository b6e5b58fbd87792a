// The known peers: public keys from genesis accounts, block miners, transaction parties,
// configuration, message counterparts and friends, with what we learned about each (endpoint,
// reported tip, penalties).
// Bounded: at MAX_PEERS, the most penalised / longest unseen peer makes room.
import { toHex } from '../chain/hex.js'
import type { Endpoint } from '../dht/endpoint.js'
import { MAX_PEERS, PEER_BAN_MS, PEER_BAN_PENALTY, PEER_EVICT_BATCH, PEER_PENALTY_HALF_LIFE_MS } from './constants.js'
import type { TipClaim } from './signals.js'

export type PeerSource = 'genesis' | 'miner' | 'tx' | 'config' | 'message' | 'friend'

export interface PeerInfo {
  key: Uint8Array
  hex: string
  sources: Set<PeerSource>
  endpoint?: Endpoint
  lastSeenMs?: number
  tip?: TipClaim
  /** Penalty points as of penaltiesAtMs; they decay (PEER_PENALTY_HALF_LIFE_MS): read them through PeerSet.penalties(). */
  penalties: number
  penaltiesAtMs?: number
  bannedUntilMs?: number
}

export class PeerSet {
  private readonly peers = new Map<string, PeerInfo>()
  /** The peers in insertion order for next(), rebuilt only after an add or an eviction. */
  private order: PeerInfo[] | undefined
  private cursor = 0

  private readonly selfHex: string

  constructor (self: Uint8Array, private readonly now: () => number = Date.now) {
    this.selfHex = toHex(self)
  }

  get size (): number { return this.peers.size }

  add (key: Uint8Array, source: PeerSource): PeerInfo | undefined {
    const hex = toHex(key)
    if (hex === this.selfHex) return undefined
    let p = this.peers.get(hex)
    if (p === undefined) {
      if (this.peers.size >= MAX_PEERS) this.evict()
      p = { key: Uint8Array.from(key), hex, sources: new Set(), penalties: 0 }
      this.peers.set(hex, p)
      this.order = undefined
    }
    p.sources.add(source)
    return p
  }

  /** Drops one source of a peer (a friend removed); the peer goes when no source is left. */
  dropSource (key: Uint8Array, source: PeerSource): void {
    const p = this.peers.get(toHex(key))
    if (p === undefined) return
    p.sources.delete(source)
    if (p.sources.size === 0) { this.peers.delete(p.hex); this.order = undefined }
  }

  get (key: Uint8Array | string): PeerInfo | undefined {
    return this.peers.get(typeof key === 'string' ? key : toHex(key))
  }

  all (): PeerInfo[] { return [...this.peers.values()] }

  /** Records a sighting (a verified channel item) and what it told us. */
  seen (key: Uint8Array, info: { endpoint?: Endpoint, tip?: TipClaim }): void {
    const p = this.get(key)
    if (p === undefined) return
    p.lastSeenMs = this.now()
    if (info.endpoint !== undefined) p.endpoint = info.endpoint
    if (info.tip !== undefined) p.tip = info.tip
  }

  penalise (key: Uint8Array, points: number): void {
    const p = this.get(key)
    if (p === undefined) return
    p.penalties = this.penalties(p) + points
    if (p.penalties >= PEER_BAN_PENALTY) p.bannedUntilMs = this.now() + PEER_BAN_MS
  }

  /** A peer's penalty points now: halved every PEER_PENALTY_HALF_LIFE_MS since the last change, held while banned. */
  penalties (p: PeerInfo): number {
    const now = this.now()
    if (p.bannedUntilMs !== undefined && p.bannedUntilMs > now) return p.penalties
    const since = p.penaltiesAtMs ?? now
    if (p.penalties > 0 && now > since) p.penalties *= 0.5 ** ((now - since) / PEER_PENALTY_HALF_LIFE_MS)
    if (p.penalties < 0.01) p.penalties = 0
    p.penaltiesAtMs = now
    return p.penalties
  }

  isBanned (p: PeerInfo): boolean {
    if (p.bannedUntilMs === undefined) return false
    const now = this.now()
    if (p.bannedUntilMs > now) return true
    p.bannedUntilMs = undefined
    p.penalties = Math.floor(p.penalties / 2) // a second chance, with half the record
    p.penaltiesAtMs = now // the decay starts again at the ban's end
    return false
  }

  /** The next non-banned peer in round-robin order, or undefined when there is none. */
  next (): PeerInfo | undefined {
    const list = this.order ??= [...this.peers.values()]
    for (let i = 0; i < list.length; i++) {
      const p = list[(this.cursor + i) % list.length]
      if (!this.isBanned(p)) {
        this.cursor = (this.cursor + i + 1) % list.length
        return p
      }
    }
    return undefined
  }

  /**
   * Makes room: the most penalised, then longest unseen peers go, PEER_EVICT_BATCH of them at once.
   * Every transaction party becomes a peer, so during a sync the set stays full and an eviction
   * per add (a scan of all peers each) was 2% of the sync's main thread.
   */
  private evict (): void {
    const evictable = [...this.peers.values()].filter(p => !p.sources.has('genesis') && !p.sources.has('config') && !p.sources.has('friend'))
    for (const p of evictable) this.penalties(p) // decayed to now, once, before the sort reads them
    evictable.sort((a, b) => b.penalties - a.penalties || (a.lastSeenMs ?? 0) - (b.lastSeenMs ?? 0))
    for (const p of evictable.slice(0, PEER_EVICT_BATCH)) this.peers.delete(p.hex)
    this.order = undefined
  }
}
