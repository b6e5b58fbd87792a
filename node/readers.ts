// Channel readers: round-robin over known peers, one channel read per step, each (peer, channel)
// at most once per its interval, a bounded number in flight. Each verified item becomes a signal.
// A peer's blkTip also tells us its DHT endpoint, so later reads and fetches go direct.
import { toHex } from '../chain/hex.js'
import { type ChannelName, decodeEndpoint } from '../dht/index.js'
import {
  BLKTIP_READ_INTERVAL_MS, DEMAND_READ_INTERVAL_MS, MAX_CONCURRENT_READS, MSGTIP_READ_INTERVAL_MS,
  READER_TICK_MS, TXTIP_READ_INTERVAL_MS
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
        if (now - (this.lastRead.get(k) ?? 0) < (INTERVALS[ch] ?? TXTIP_READ_INTERVAL_MS)) continue
        this.lastRead.set(k, now)
        this.inFlight++
        void this.read(peer, ch).finally(() => { this.inFlight-- })
      }
    }
  }

  /** Reads now, outside the schedule (a voting round asks for specific peers' tips). */
  async read (peer: PeerInfo, ch: ChannelName): Promise<void> {
    const { ctx } = this
    let item
    try {
      item = await ctx.channels.read(peer.key, ch, { endpoint: peer.endpoint, signal: ctx.signal })
    } catch (e) {
      ctx.log.debug('channel read failed', { peer: peer.hex.slice(0, 16), channel: ch, err: (e as Error).message })
      return
    }
    if (item === null || ctx.signal.aborted) return
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
  }
}
