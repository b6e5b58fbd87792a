// Node routes (the operational subset: status, health, transactions, accounts, admin).
import { decodeTx } from '../../chain/tx.js'
import { isChainError } from '../../chain/errors.js'
import { effectivePower } from '../../chain/consensus/pot.js'
import { toHex } from '../../chain/hex.js'
import { VERSION } from '../version.js'
import type { TauNode } from '../node.js'
import { ApiError, type ApiRequest, type Router } from './http.js'
import { hexParam, isLoopback } from './params.js'
import { tokenMatches } from './token.js'

const NO_STORE = { 'cache-control': 'no-store' }

export function statusOf (node: TauNode): Record<string, unknown> {
  const { ctx } = node
  const tip = ctx.chain.tip()
  const cp = ctx.chain.consensusPoint()
  const st = ctx.chain.status()
  return {
    chainId: toHex(ctx.genesis.chainId),
    genesisId: toHex(ctx.genesis.blockId),
    height: tip.n,
    tipId: toHex(tip.id),
    tipTime: tip.block.t,
    cumulativeDifficulty: tip.d.toString(),
    consensusPoint: cp.n > 0 ? { id: toHex(cp.id), height: cp.n } : null,
    syncing: ctx.state.syncing,
    ready: ctx.state.ready,
    mining: { enabled: ctx.state.miningEnabled, nextEligibleTime: ctx.state.nextEligibleTime },
    peers: ctx.peers.all().filter(p => p.lastSeenMs !== undefined).length,
    knownPeers: ctx.peers.size,
    poolSize: ctx.pool.size,
    minedBlocks: ctx.state.minedBlocks,
    importedBlocks: ctx.state.importedBlocks,
    reorgs: ctx.state.reorgs,
    votingRounds: ctx.state.votingRounds,
    warnings: st.warnings.map(w => w.message),
    version: VERSION,
    publicKey: toHex(ctx.key.publicKey),
    dht: ctx.engine.endpoint
  }
}

function requireAdmin (node: TauNode, req: ApiRequest): void {
  if (!isLoopback(req.raw.socket.remoteAddress)) throw new ApiError(403, 'ADMIN_LOOPBACK_ONLY', 'admin routes answer loopback clients only')
  const auth = req.raw.headers.authorization
  const token = auth?.startsWith('Bearer ') === true ? auth.slice(7).trim() : undefined
  if (!tokenMatches(token, node.adminToken)) throw new ApiError(401, 'ADMIN_TOKEN_REQUIRED', 'missing or wrong admin token (see <data-dir>/admin-token)')
}

export function addNodeRoutes (router: Router, node: TauNode): void {
  router.add('GET', '/status', () => ({ body: statusOf(node), headers: NO_STORE }))

  router.add('GET', '/health', () => {
    const s = node.ctx.state
    const status = !s.ready ? 503 : s.syncing ? 206 : 200
    return { status, body: { status: status === 200 ? 'synced' : status === 206 ? 'syncing' : 'not-ready' }, headers: NO_STORE }
  })

  router.add('POST', '/tx', req => {
    const body = req.body as { tx?: unknown } | undefined
    if (typeof body !== 'object' || body === null || typeof body.tx !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(body.tx) || body.tx.length > 2000) {
      throw new ApiError(400, 'BAD_TX', 'body must be {"tx": "<hex of a canonical transaction>"}')
    }
    let id: Uint8Array
    try {
      id = node.poolPipeline.submit(decodeTx(new Uint8Array(Buffer.from(body.tx, 'hex'))), 'api')
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'TX_REJECTED'
      if (!isChainError(e) && code !== 'TX_ALREADY_MINED') throw e
      const conflict = code.startsWith('POOL_') || code === 'TX_ALREADY_MINED' || code === 'TX_BAD_NONCE'
      throw new ApiError(conflict ? 409 : 400, code, (e as Error).message)
    }
    return { body: { id: toHex(id) } }
  })

  router.add('GET', '/tx/:id', req => {
    const id = hexParam(req.params.id, 32, 'id')
    const { chain, pool } = node.ctx
    const pooled = pool.get(id)
    if (pooled !== undefined) return { body: { id: toHex(id), status: 'pool' }, headers: NO_STORE }
    const tx = chain.getTx(id)
    if (tx === undefined) throw new ApiError(404, 'TX_NOT_FOUND', 'no such transaction')
    return { body: { id: toHex(id), status: 'mined' }, headers: NO_STORE }
  })

  router.add('GET', '/account/:key', req => {
    const key = hexParam(req.params.key, 32, 'key')
    const a = node.ctx.chain.state.getAccount(key) ?? { balance: 0, nonce: 0, power: 0 }
    return {
      body: { key: toHex(key), balance: String(a.balance), nonce: a.nonce, power: a.power, effectivePower: effectivePower(a.power).toString() },
      headers: NO_STORE
    }
  })

  router.add('POST', '/mining/start', req => {
    requireAdmin(node, req)
    node.mining.start()
    return { body: { mining: true } }
  })
  router.add('POST', '/mining/stop', req => {
    requireAdmin(node, req)
    node.mining.stop()
    return { body: { mining: false } }
  })
}
