// Demand responder: when a peer's demand item asks for blocks, transactions or messages this node
// holds, put them (PROTOCOL §9: the only re-provide there is). Bounded per read and deduplicated
// for a while that doubles with each re-put, so a peer that keeps asking does not make us put the
// same item on every read.
import { encodeBlock } from '../../chain/block.js'
import { encodeTx } from '../../chain/tx.js'
import { encodeMessage } from '../../chain/message.js'
import { toHex } from '../../chain/hex.js'
import { Lru } from '../../chain/lru.js'
import { DEMAND_MAX_PUTS_PER_READ, DEMAND_RECENT_PUTS_MAX, REPUT_AFTER_MAX_MS, REPUT_AFTER_MS } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'

/**
 * When an item asked for again may be put again: REPUT_AFTER_MS after its first put, the gap doubling
 * with each re-put up to REPUT_AFTER_MAX_MS; an item nobody asked for during a whole longest gap
 * starts over. Remembers DEMAND_RECENT_PUTS_MAX ids (the least recently put forgotten first).
 */
export class RePuts {
  /** id hex → time until which it is not put again, and the gap that led there (ms) */
  private readonly recent = new Lru<string, { until: number, gap: number }>(DEMAND_RECENT_PUTS_MAX)

  constructor (private readonly now: () => number = Date.now) {}

  /** Whether `hex` may be put now; if so, it is recorded as put. */
  take (hex: string): boolean {
    const now = this.now()
    const last = this.recent.peek(hex)
    if (last !== undefined && last.until > now) return false
    const fresh = last === undefined || now - last.until > REPUT_AFTER_MAX_MS
    const gap = fresh ? REPUT_AFTER_MS : Math.min(2 * last.gap, REPUT_AFTER_MAX_MS)
    this.recent.set(hex, { until: now + gap, gap })
    return true
  }
}

export class DemandResponder implements Pipeline {
  private readonly rePuts = new RePuts()

  constructor (private readonly ctx: NodeContext) {}

  start (): Stop {
    const { ctx } = this
    const sub = ctx.router.on('demand', 'BLOCK_DEMAND_FROM_PEER', 'BLOCK_TX_DEMAND_FROM_PEER', 'MSG_DEMAND_FROM_PEER').subscribe(s => {
      let n = 0
      for (const id of s.ids.slice(0, DEMAND_MAX_PUTS_PER_READ)) {
        let bytes: Uint8Array | undefined
        if (s.type === 'BLOCK_DEMAND_FROM_PEER') {
          const b = ctx.chain.getBlock(id)
          bytes = b && encodeBlock(b)
        } else if (s.type === 'BLOCK_TX_DEMAND_FROM_PEER') {
          const t = ctx.chain.getTx(id) ?? ctx.pool.get(id)
          bytes = t && encodeTx(t)
        } else {
          const m = ctx.chain.messages.get(id)
          bytes = m && encodeMessage(m)
        }
        if (this.put(id, bytes)) n++
      }
      if (n > 0) ctx.log.debug('answered demand', { peer: toHex(s.peer).slice(0, 16), kind: s.type, puts: n })
    })
    return () => { sub.unsubscribe() }
  }

  private put (id: Uint8Array, bytes: Uint8Array | undefined): boolean {
    if (bytes === undefined) return false
    if (!this.rePuts.take(toHex(id))) return false
    this.ctx.putter.putImmutable(bytes)
    return true
  }
}
