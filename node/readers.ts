// Channel readers: round-robin over known peers, one channel read per step, each (peer, channel)
// at most once per its interval, a bounded number in flight. Each verified item becomes a signal.
// A peer's blkTip also tells us its DHT endpoint, so later reads and fetches go direct.
import { toHex } from '../chain/hex.js'
import { type ChannelName, decodeEndpoint } from '../dht/index.js'
import {
  BLKTIP_DIRECT_READ_INTERVAL_MS, BLKTIP_READ_INTERVAL_MS, DEMAND_READ_INTERVAL_MS, MAX_CONCURRENT_READS, MSGTIP_READ_INTERVAL_MS,
  READER_TICK_MS, READ_MISS_BACKOFF_MAX_MS, TXTIP_READ_INTERVAL_MS
} from './constants.js'
import type { NodeContext } from './context.js'
import type { PeerInfo } from './peers.js'

const INTERVALS: Partial<Record<ChannelName, number>> = {
  blkTip: BLKTIP_READ_INTERVAL_MS,
  txTip: TXTIP_READ_INTERVAL_MS,
  demand: DEMAND_READ_INTERVAL_MS,
  msgTip: MSGTIP_READ_INTERVAL_MS
}

export class ChannelReaders {
  private readonly lastRead = new Map<string, number>()
  /** blkTip reads in a row that found nothing, per peer (hex): a genesis account that runs no node. */
  private readonly misses = new Map<string, number>()
  private readonly reading = new Set<string>()
  private inFlight = 0
  private timer?: NodeJS.Timeout

  constructor (private readonly ctx: NodeContext, private readonly channels: ChannelName[] = ['blkTip', 'txTip', 'demand']) {}

  start (): void {
    this.timer = setInterval(() => this.tick(), READER_TICK_MS)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }

  /** Starts due reads until the in-flight bound; visits each peer at most once per tick. */
  private tick (): void {
    if (this.ctx.signal.aborted) return
    const now = Date.now()
    const n = this.ctx.peers.size
    for (let i = 0; i < n && this.inFlight < MAX_CONCURRENT_READS; i++) {
      const peer = this.ctx.peers.next()
      if (peer === undefined) return
      for (const ch of this.channels) {
        if (this.inFlight >= MAX_CONCURRENT_READS) return
        const k = `${peer.hex}:${ch}`
        if (this.reading.has(k) || now - (this.lastRead.get(k) ?? 0) < this.intervalOf(peer, ch)) continue
        this.lastRead.set(k, now)
        this.reading.add(k)
        this.inFlight++
        void this.read(peer, ch).then(found => {
          if (ch !== 'blkTip' || this.ctx.signal.aborted) return
          if (found) this.misses.delete(peer.hex)
          else this.misses.set(peer.hex, (this.misses.get(peer.hex) ?? 0) + 1)
        }).finally(() => { this.inFlight--; this.reading.delete(k) })
      }
    }
  }

  /**
   * The channel's interval for a live peer; for a peer whose blkTip (every node publishes it, every
   * slot) was missing `m` reads in a row, every channel waits at least blkTip's interval × 2^m, up
   * to READ_MISS_BACKOFF_MAX_MS. A peer that publishes nothing (a genesis account with no node)
   * cost two failed recursive lookups per read, and those reads held the in-flight slots that live
   * peers' blkTip reads then waited for.
   */
  private intervalOf (peer: PeerInfo, ch: ChannelName): number {
    // A live peer whose endpoint we know is read direct (one round trip): its blkTip twice as often.
    const base = ch === 'blkTip' && peer.endpoint !== undefined ? BLKTIP_DIRECT_READ_INTERVAL_MS : INTERVALS[ch] ?? TXTIP_READ_INTERVAL_MS
    const m = this.misses.get(peer.hex) ?? 0
    return m === 0 ? base : Math.max(base, Math.min(READ_MISS_BACKOFF_MAX_MS, BLKTIP_READ_INTERVAL_MS * 2 ** Math.min(m, 16)))
  }

  /** Reads now, outside the schedule (a voting round asks for specific peers' tips); true if an item was found. */
  async read (peer: PeerInfo, ch: ChannelName): Promise<boolean> {
    const { ctx } = this
    let item
    try {
      item = await ctx.channels.read(peer.key, ch, { endpoint: peer.endpoint, signal: ctx.signal })
    } catch (e) {
      ctx.log.debug('channel read failed', { peer: peer.hex.slice(0, 16), channel: ch, err: (e as Error).message })
      return false
    }
    if (item === null || ctx.signal.aborted) return false
    switch (ch) {
      case 'blkTip': {
        const v = item.value as { h: Uint8Array, n: number, d: bigint, e?: Uint8Array }
        let endpoint
        try { endpoint = v.e !== undefined ? decodeEndpoint(v.e) : undefined } catch { endpoint = undefined }
        const tip = { id: v.h, n: v.n, d: v.d }
        ctx.peers.seen(peer.key, { endpoint, tip })
        ctx.router.emit({ type: 'TIP_BLOCK_FROM_PEER_FOR_MINING', peer: peer.key, tip })
        break
      }
      case 'txTip': {
        ctx.peers.seen(peer.key, {})
        const ids = (item.value as { x: Uint8Array[] }).x
        if (ids.length > 0) ctx.router.emit({ type: 'TIP_TX_FOR_MINING', peer: peer.key, ids })
        break
      }
      case 'demand': {
        ctx.peers.seen(peer.key, {})
        const d = item.value as { b: Uint8Array[], x: Uint8Array[], m: Uint8Array[] }
        if (d.b.length > 0) ctx.router.emit({ type: 'BLOCK_DEMAND_FROM_PEER', peer: peer.key, ids: d.b })
        if (d.x.length > 0) ctx.router.emit({ type: 'BLOCK_TX_DEMAND_FROM_PEER', peer: peer.key, ids: d.x })
        if (d.m.length > 0) ctx.router.emit({ type: 'MSG_DEMAND_FROM_PEER', peer: peer.key, ids: d.m })
        break
      }
      case 'msgTip': {
        ctx.peers.seen(peer.key, {})
        ctx.router.emit({ type: 'TIP_MSG_FROM_PEER', peer: peer.key, id: (item.value as { h: Uint8Array }).h })
        break
      }
      default:
        ctx.log.debug('unhandled channel', { channel: ch, peer: toHex(peer.key).slice(0, 16) })
    }
    return true
  }
}
