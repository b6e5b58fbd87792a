// Demand responder: when a peer's demand item asks for blocks, transactions or messages this node
// holds, put them (PROTOCOL §9: the only re-provide there is). Bounded per read and deduplicated
// for a while, so a peer that keeps asking does not make us put the same item on every read.
import { encodeBlock } from '../../chain/block.js'
import { encodeTx } from '../../chain/tx.js'
import { encodeMessage } from '../../chain/message.js'
import { toHex } from '../../chain/hex.js'
import { Lru } from '../../chain/lru.js'
import { DEMAND_MAX_PUTS_PER_READ, DEMAND_RECENT_PUTS_MAX, REPUT_AFTER_MS } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'

export class DemandResponder implements Pipeline {
  /** id hex → time until which it is not put again */
  private readonly recent = new Lru<string, number>(DEMAND_RECENT_PUTS_MAX)

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
    const hex = toHex(id)
    const now = Date.now()
    if ((this.recent.peek(hex) ?? 0) > now) return false
    this.recent.set(hex, now + REPUT_AFTER_MS)
    this.ctx.putter.putImmutable(bytes)
    return true
  }
}
