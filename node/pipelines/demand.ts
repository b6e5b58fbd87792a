// Demand responder: when a peer's demand item asks for blocks, transactions or messages this node
// holds, put them (PROTOCOL §9: the only re-provide there is). Bounded per read and deduplicated
// for a while, so a peer that keeps asking does not make us put the same item on every read.
import { type Subscription } from 'rxjs'
import { encodeBlock } from '../../chain/block.js'
import { encodeTx } from '../../chain/tx.js'
import { encodeMessage } from '../../chain/message.js'
import { toHex } from '../../chain/hex.js'
import { Lru } from '../../chain/lru.js'
import { DEMAND_MAX_PUTS_PER_READ, DEMAND_RECENT_PUTS_MAX, REPUT_AFTER_MS } from '../constants.js'
import type { NodeContext } from '../context.js'

export function startDemandResponder (ctx: NodeContext): Subscription {
  /** id hex → time until which it is not put again */
  const recent = new Lru<string, number>(DEMAND_RECENT_PUTS_MAX)
  const put = (id: Uint8Array, bytes: Uint8Array | undefined): boolean => {
    if (bytes === undefined) return false
    const hex = toHex(id)
    const now = Date.now()
    if ((recent.peek(hex) ?? 0) > now) return false
    recent.set(hex, now + REPUT_AFTER_MS)
    ctx.putter.putImmutable(bytes)
    return true
  }
  return ctx.router.on('BLOCK_DEMAND_FROM_PEER', 'BLOCK_TX_DEMAND_FROM_PEER', 'MSG_DEMAND_FROM_PEER').subscribe(s => {
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
        const m = ctx.chain.store.messages.get(id)
        bytes = m && encodeMessage(m)
      }
      if (put(id, bytes)) n++
    }
    if (n > 0) ctx.log.debug('answered demand', { peer: toHex(s.peer).slice(0, 16), kind: s.type, puts: n })
  })
}
