// Transaction and pool routes: submit, look up (mined or pooled), pool summary and contents.
import { decodeTx } from '../../../chain/tx.js'
import { toHex } from '../../../chain/hex.js'
import { MAX_ITEM_BYTES } from '../../../chain/constants.js'
import { ApiError, type Router, rethrowAsApiError } from '../http.js'
import { IMMUTABLE, NO_STORE, txJson } from '../format.js'
import { type ApiDeps, isFinal } from '../deps.js'
import { hexParam, intParam } from '../params.js'
import type { PoolJson, PoolTxsJson, TxLookupJson, TxSubmittedJson } from '../types.js'

export const POOL_TXS_DEFAULT_LIMIT = 100
export const POOL_TXS_MAX_LIMIT = 1000

export function addTxRoutes (router: Router, { node }: ApiDeps): void {
  router.add('POST', '/tx', req => {
    const body = req.body as { tx?: unknown } | undefined
    if (typeof body !== 'object' || body === null || typeof body.tx !== 'string' || body.tx.length > 2 * MAX_ITEM_BYTES || !/^([0-9a-fA-F]{2})+$/.test(body.tx)) {
      throw new ApiError('BAD_TX', 'body must be {"tx": "<hex of a canonical transaction>"}')
    }
    let id: Uint8Array
    try {
      id = node.poolPipeline.submit(decodeTx(new Uint8Array(Buffer.from(body.tx, 'hex'))), 'api')
    } catch (e) {
      // POOL_*, TX_BAD_NONCE and TX_ALREADY_MINED answer 409, other refusals 400 (errorStatus.ts).
      rethrowAsApiError(e)
    }
    const answer: TxSubmittedJson = { id: toHex(id) }
    return { body: answer, headers: NO_STORE }
  })

  // Mined: the transaction with its block. Cached for good only once the block is final.
  router.add('GET', '/tx/:id', async req => {
    const id = hexParam(req.params.id, 32, 'id')
    const { chain, pool } = node.ctx
    const pooled = pool.get(id)
    if (pooled !== undefined) {
      const body: TxLookupJson = { id: toHex(id), status: 'pool', block: null, tx: txJson(pooled, id) }
      return { body, headers: NO_STORE }
    }
    const tx = chain.getTx(id)
    if (tx === undefined) throw new ApiError('TX_NOT_FOUND', 'no such transaction')
    const loc = await chain.txLocation(id)
    const block = loc !== undefined ? { id: toHex(loc.id), height: loc.n } : null
    const headers = loc !== undefined && isFinal(node, loc.n) ? IMMUTABLE : NO_STORE
    const body: TxLookupJson = { id: toHex(id), status: 'mined', block, tx: txJson(tx, id) }
    return { body, headers }
  })

  router.add('GET', '/pool', () => {
    const { pool } = node.ctx
    const body: PoolJson = { size: pool.size, limits: { ...pool.limits } }
    return { body, headers: NO_STORE }
  })

  // Pool contents in mining order (fee, then arrival); `sender` narrows to one key.
  router.add('GET', '/pool/txs', req => {
    const { pool } = node.ctx
    const limit = intParam(req.query.get('limit'), 'limit', 1, POOL_TXS_MAX_LIMIT, POOL_TXS_DEFAULT_LIMIT)
    const sender = req.query.get('sender')
    const txs = sender !== null ? pool.senderTxs(hexParam(sender, 32, 'sender')) : pool.pending()
    const body: PoolTxsJson = { size: pool.size, txs: txs.slice(0, limit).map(t => txJson(t)) }
    return { body, headers: NO_STORE }
  })
}
