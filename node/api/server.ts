// Starts the HTTP API on the node and resolves once it listens. Route files live in routes/, one
// per resource; the event hub starts with the server and stops when it closes.
import type { Server } from 'node:http'
import type { Logger } from '../logger.js'
import { Router, createApiServer } from './http.js'
import type { ApiDeps, ApiNode } from './deps.js'
import { EventHub } from './events.js'
import { isLoopback } from './loopback.js'
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
import { webHooks, type WebOptions } from './web.js'
import { ApiMetrics } from './metrics.js'
import { ClientLimiter } from './publicMode.js'
import { loopbackOnlyRoutes } from './openapi.js'
import { API_PUBLIC_HANDLER_TIMEOUT_MS, API_PUBLIC_HEADERS_TIMEOUT_MS, API_PUBLIC_MAX_CONNECTIONS, API_PUBLIC_REQUEST_TIMEOUT_MS, API_PUBLIC_TIMEOUT_CHECK_MS } from '../constants.js'
import { addWalletRoutes } from './routes/wallet.js'
import { addBackupRoutes } from './routes/backup.js'

/** The router behind each running API server (tests compare it with /openapi.json). */
export const apiRouters = new WeakMap<Server, Router>()

export interface ApiOptions {
  /** Public mode (--api-public): per-IP limits, timeouts, private routes loopback-only (docs/api.md). */
  public?: boolean
  /** The explorer at / and CORS (web.ts). */
  web?: WebOptions
}

export async function startApi (node: ApiNode, host: string, port: number, log: Logger, opts: ApiOptions = {}): Promise<Server> {
  const router = new Router()
  const hub = new EventHub(node.ctx.events)
  const limiter = opts.public === true ? new ClientLimiter() : undefined
  const metrics = new ApiMetrics(node, hub, limiter)
  const deps: ApiDeps = { node, hub, metrics }
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
  addBackupRoutes(router, node)
  addOpenApiRoutes(router)
  const server = createApiServer(router, log, {
    hooks: webHooks(opts.web ?? { ui: false, cors: [] }, log),
    onAnswered: (route, method, status, s) => { metrics.observeRequest(route, method, status, s) },
    ...(limiter === undefined ? {} : {
      limiter,
      loopbackOnly: loopbackOnlyRoutes(),
      handlerTimeoutMs: API_PUBLIC_HANDLER_TIMEOUT_MS,
      requestTimeoutMs: API_PUBLIC_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: API_PUBLIC_HEADERS_TIMEOUT_MS,
      maxConnections: API_PUBLIC_MAX_CONNECTIONS,
      timeoutCheckMs: API_PUBLIC_TIMEOUT_CHECK_MS
    })
  })
  apiRouters.set(server, router)
  deps.hub.start()
  server.once('close', () => { deps.hub.stop(); metrics.stop() })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => { server.off('error', reject); resolve() })
    })
  } catch (e) {
    deps.hub.stop()
    metrics.stop()
    throw e
  }
  const addr = server.address()
  log.info('API listening', { url: typeof addr === 'object' && addr !== null ? `http://${addr.address}:${addr.port}` : String(addr), public: limiter !== undefined })
  if (limiter === undefined && !isLoopback(host)) {
    log.warn('API bound beyond loopback without --api-public: no per-client rate limits or request deadlines (docs/api.md, Public mode)', { host })
  }
  return server
}
