// Starts the HTTP API on the node and resolves once it listens. Route files live in routes/, one
// per resource; the event hub starts with the server and stops when it closes.
import type { Server } from 'node:http'
import type { TauNode } from '../node.js'
import type { Logger } from '../logger.js'
import { Router, createApiServer } from './http.js'
import type { ApiDeps } from './deps.js'
import { EventHub } from './events.js'
import { addNodeRoutes } from './routes/node.js'
import { addBlockRoutes } from './routes/blocks.js'
import { addTxRoutes } from './routes/txs.js'
import { addAccountRoutes } from './routes/accounts.js'
import { addNetworkRoutes } from './routes/network.js'
import { addEventRoutes } from './routes/events.js'
import { addMetricsRoutes } from './routes/metrics.js'
import { addOpenApiRoutes } from './routes/openapi.js'
import { addAdminDhtRoutes } from './adminDht.js'
import { addMessageRoutes } from './routes/messages.js'
import { addWalletRoutes } from './routes/wallet.js'

/** The router behind each running API server (tests compare it with /openapi.json). */
export const apiRouters = new WeakMap<Server, Router>()

export async function startApi (node: TauNode, host: string, port: number, log: Logger): Promise<Server> {
  const router = new Router()
  const deps: ApiDeps = { node, hub: new EventHub(node.ctx.events) }
  addNodeRoutes(router, node)
  addBlockRoutes(router, deps)
  addTxRoutes(router, deps)
  addAccountRoutes(router, deps)
  addWalletRoutes(router, deps)
  addNetworkRoutes(router, deps)
  addEventRoutes(router, deps)
  addMetricsRoutes(router, deps)
  addMessageRoutes(router, node)
  addAdminDhtRoutes(router, node)
  addOpenApiRoutes(router)
  const server = createApiServer(router, log)
  apiRouters.set(server, router)
  deps.hub.start()
  server.once('close', () => { deps.hub.stop() })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => { server.off('error', reject); resolve() })
    })
  } catch (e) {
    deps.hub.stop()
    throw e
  }
  const addr = server.address()
  log.info('API listening', { url: typeof addr === 'object' && addr !== null ? `http://${addr.address}:${addr.port}` : String(addr) })
  return server
}
