// POST /admin/dht/block {"endpoints": ["127.0.0.1:7001", ...]}: cut this node's DHT off from those
// UDP endpoints both ways (an empty list heals). Admin token + loopback only. The testnet tool's
// `partition` scenario is built on it; see dht/blocklist.ts.
import { parseEndpoint } from '../../dht/index.js'
import type { ApiNode } from './deps.js'
import { ApiError, type Router } from './http.js'
import { requireAdmin } from './admin.js'

export function addAdminDhtRoutes (router: Router, node: ApiNode): void {
  router.add('POST', '/admin/dht/block', req => {
    requireAdmin(node, req)
    const body = req.body as { endpoints?: unknown } | undefined
    if (typeof body !== 'object' || body === null || !Array.isArray(body.endpoints) || !body.endpoints.every(e => typeof e === 'string')) {
      throw new ApiError('BAD_BODY', 'body must be {"endpoints": ["host:port", ...]}')
    }
    let eps
    try {
      eps = (body.endpoints as string[]).map(e => parseEndpoint(e))
      node.ctx.engine.blocked.replace(eps)
    } catch (e) {
      throw new ApiError('BAD_ENDPOINT', (e as Error).message)
    }
    node.log.info('DHT block list replaced', { endpoints: node.ctx.engine.blocked.list() })
    return { body: { blocked: node.ctx.engine.blocked.list() }, headers: { 'cache-control': 'no-store' } }
  })
}
