// Starts the HTTP API on the node and resolves once it listens.
import type { Server } from 'node:http'
import type { TauNode } from '../node.js'
import type { Logger } from '../logger.js'
import { Router, createApiServer } from './http.js'
import { addNodeRoutes } from './routes.js'

export async function startApi (node: TauNode, host: string, port: number, log: Logger): Promise<Server> {
  const router = new Router()
  addNodeRoutes(router, node)
  const server = createApiServer(router, log)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const addr = server.address()
  log.info('API listening', { url: typeof addr === 'object' && addr !== null ? `http://${addr.address}:${addr.port}` : String(addr) })
  return server
}
