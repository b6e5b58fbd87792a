// Routes a wallet reads (never one that needs a secret: signing stays in the wallet's process):
// the fee estimate for `--fee auto`, and one transaction's status for `wallet tx` and `--wait`.
import { toHex } from '../../../chain/hex.js'
import { estimateFee } from '../../../chain/pool/feeEstimate.js'
import { ApiError, type Router } from '../http.js'
import { NO_STORE } from '../format.js'
import { type ApiDeps, isFinal } from '../deps.js'
import { hexParam } from '../params.js'
import { addRouteDoc } from '../openapi.js'
import { type JsonSchema, addSchema } from '../schemas.js'

const HEX64 = '^[0-9a-f]{64}$'
const DEC = { type: 'string', pattern: '^[0-9]+$' }
const nullable = (t: JsonSchema): JsonSchema => ({ oneOf: [t, { type: 'null' }] })
const int = { type: 'integer', minimum: 0 }
addSchema('FeeEstimate', {
  type: 'object', additionalProperties: false,
  required: ['fee', 'minFee', 'nextBlockTxs', 'maxBlockTxs', 'lowestIncludedFee', 'poolSize'],
  properties: {
    fee: { ...DEC, description: 'the lowest fee that would have entered the next block' }, minFee: DEC, nextBlockTxs: int, maxBlockTxs: int,
    lowestIncludedFee: nullable(DEC), poolSize: int
  }
})
addSchema('TxStatus', {
  type: 'object', additionalProperties: false,
  required: ['id', 'status', 'height', 'blockId', 'confirmations', 'final', 'tipHeight', 'consensusPointHeight', 'reason', 'by'],
  properties: {
    id: { type: 'string', pattern: HEX64 }, status: { type: 'string', enum: ['pool', 'mined', 'dropped'] },
    height: nullable(int), blockId: nullable({ type: 'string', pattern: HEX64 }), confirmations: int, final: { type: 'boolean' },
    tipHeight: int, consensusPointHeight: int, reason: nullable({ type: 'string', description: 'why it was dropped' }),
    by: nullable({ type: 'string', pattern: HEX64, description: 'the transaction that replaced it' })
  }
})

addRouteDoc({
  method: 'GET', path: '/fees/estimate', operationId: 'estimateFee', cache: 'no-store',
  summary: 'Lowest fee that would have entered the next block given the pool now (never below minFee)',
  responses: { 200: { description: 'estimate (fees as decimal strings)', schema: 'FeeEstimate' } }
})
addRouteDoc({
  method: 'GET', path: '/tx/:id/status', operationId: 'getTxStatus', cache: 'no-store',
  summary: 'A transaction\'s progress: pool, mined (height, confirmations), final, or dropped with the reason',
  params: [{ name: 'id', in: 'path', required: true, description: 'transaction id', schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' } }],
  responses: {
    200: { description: 'status: "pool" | "mined" | "dropped"', schema: 'TxStatus' },
    400: { description: 'bad parameter', schema: 'Error' },
    404: { description: 'unknown transaction', schema: 'Error' }
  }
})

export function addWalletRoutes (router: Router, { node }: ApiDeps): void {
  router.add('GET', '/fees/estimate', () => {
    const { pool, genesis } = node.ctx
    const e = estimateFee(pool.selectForMining(), genesis.config.minFee, pool.size)
    return {
      body: { ...e, fee: String(e.fee), minFee: String(e.minFee), lowestIncludedFee: e.lowestIncludedFee === null ? null : String(e.lowestIncludedFee) },
      headers: NO_STORE
    }
  })

  // Confirmations count the block itself: mined in the tip is 1. Final as /block/:id/status says.
  router.add('GET', '/tx/:id/status', async req => {
    const id = hexParam(req.params.id, 32, 'id')
    const idHex = toHex(id)
    const { chain, pool } = node.ctx
    const tipHeight = chain.tip().n
    const base = { id: idHex, height: null, blockId: null, confirmations: 0, final: false, tipHeight, consensusPointHeight: chain.consensusPoint().n, reason: null, by: null }
    if (pool.has(id)) return { body: { ...base, status: 'pool' }, headers: NO_STORE }
    if (chain.getTx(id) !== undefined) {
      const loc = await chain.txLocation(id)
      // Stored only in side blocks: not mined on this chain (yet); it may come back to the pool.
      if (loc !== undefined) {
        return { body: { ...base, status: 'mined', height: loc.n, blockId: toHex(loc.id), confirmations: tipHeight - loc.n + 1, final: isFinal(node, loc.n) }, headers: NO_STORE }
      }
    }
    const d = node.poolPipeline.dropped.get(idHex)
    if (d !== undefined) return { body: { ...base, status: 'dropped', reason: d.reason, by: d.by ?? null }, headers: NO_STORE }
    throw new ApiError('TX_NOT_FOUND', 'no such transaction in the pool, on the main chain or among recent drops')
  })
}
