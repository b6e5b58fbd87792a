// Account routes: tip state, and the account's mined transactions by a bounded backward scan of
// the main chain (the store has no per-account index).
import { effectivePower } from '../../../chain/consensus/pot.js'
import { blockId } from '../../../chain/block.js'
import { bytesEqual, toHex } from '../../../chain/hex.js'
import type { Router } from '../http.js'
import { NO_STORE, txJson } from '../format.js'
import type { ApiDeps } from '../deps.js'
import { hexParam, intParam } from '../params.js'

export const ACCOUNT_TXS_DEFAULT_LIMIT = 25
export const ACCOUNT_TXS_MAX_LIMIT = 100
/** Blocks one /account/:key/txs request reads at most; the answer's `next` continues below. */
export const ACCOUNT_TXS_SCAN_BLOCKS = 1_000

export function addAccountRoutes (router: Router, { node }: ApiDeps): void {
  router.add('GET', '/account/:key', req => {
    const key = hexParam(req.params.key, 32, 'key')
    const a = node.ctx.chain.state.getAccount(key) ?? { balance: 0, nonce: 0, power: 0 }
    return {
      body: {
        key: toHex(key), balance: String(a.balance), nonce: a.nonce, power: a.power,
        effectivePower: effectivePower(a.power).toString(), nextNonce: node.ctx.pool.nextNonce(key), pooledTxs: node.ctx.pool.senderTxs(key).length
      },
      headers: NO_STORE
    }
  })

  // Newest first, from blocks below `before` (default: the tip + 1). A page ends at a block
  // boundary: once `limit` is reached, or after ACCOUNT_TXS_SCAN_BLOCKS blocks. `next` is the
  // cursor for the following page, null once genesis is reached.
  router.add('GET', '/account/:key/txs', req => {
    const key = hexParam(req.params.key, 32, 'key')
    const { chain } = node.ctx
    const tipN = chain.tip().n
    const before = Math.min(intParam(req.query.get('before'), 'before', 0, Number.MAX_SAFE_INTEGER, tipN + 1), tipN + 1)
    const limit = intParam(req.query.get('limit'), 'limit', 1, ACCOUNT_TXS_MAX_LIMIT, ACCOUNT_TXS_DEFAULT_LIMIT)
    const txs: Array<Record<string, unknown>> = []
    let n = before - 1
    const stop = Math.max(0, before - ACCOUNT_TXS_SCAN_BLOCKS)
    for (; n >= 1 && n >= stop && txs.length < limit; n--) {
      const b = chain.getBlockAt(n)
      if (b === undefined) break
      if (b.x.length === 0) continue
      const id = blockId(b)
      chain.store.blockTxs(b).forEach((t, i) => {
        if (bytesEqual(t.f, key) || (t.o !== undefined && bytesEqual(t.o, key))) {
          txs.push({ ...txJson(t, b.x[i]), block: { id: toHex(id), height: n } })
        }
      })
    }
    return { body: { key: toHex(key), txs, next: n >= 1 ? n + 1 : null, scannedFrom: before - 1, scannedTo: n + 1 }, headers: NO_STORE }
  })
}
