// The dashboard's HTTP server on 127.0.0.1: the page at `/` (node/ui, built like the explorer),
// GET /state (a JSON snapshot) and GET /events (a snapshot as an SSE `state` event whenever
// something changed, at most every DASH_PUSH_INTERVAL_MS). It reads the nodes; they never read it.
import type { Server, ServerResponse } from 'node:http'
import { createLogger } from '../../../node/logger.js'
import { ApiError, Router, createApiServer } from '../../../node/api/http.js'
import { uiRequestHook } from '../../../node/ui/serve.js'
import { LOOPBACK } from '../constants.js'
import { type DashTarget, NetworkCollector } from './collector.js'
import { DASH_MAX_BUFFER_BYTES, DASH_MAX_CLIENTS, DASH_PUSH_INTERVAL_MS } from './constants.js'

export class DashboardError extends Error {
  constructor (readonly code: 'DASHBOARD_PORT_BUSY' | 'DASHBOARD_LISTEN_FAILED', message: string) { super(`${code}: ${message}`) }
}

export interface Dashboard { url: string, collector: NetworkCollector, close: () => Promise<void> }

export async function startDashboard (port: number, targets: () => DashTarget[]): Promise<Dashboard> {
  const log = createLogger('warn', 'pretty', process.stderr).child({ module: 'dashboard' })
  const collector = new NetworkCollector(targets)
  const clients = new Set<ServerResponse>()
  const router = new Router()
  router.add('GET', '/state', () => ({ body: collector.snapshot(), headers: { 'cache-control': 'no-store' } }))
  router.add('GET', '/events', () => {
    if (clients.size >= DASH_MAX_CLIENTS) throw new ApiError('TOO_MANY_STREAMS', 'too many dashboard pages open; retry later')
    return {
      stream: res => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' })
        res.write(`retry: 2000\nevent: state\ndata: ${JSON.stringify(collector.snapshot())}\n\n`)
        res.socket?.setTimeout(0)
        clients.add(res)
        res.on('close', () => { clients.delete(res) })
      }
    }
  })
  // Changes come in bursts (one block reaches every node within a second): send one snapshot per interval.
  let dirty = false
  collector.onChange = () => { dirty = true }
  const push = setInterval(() => {
    if (!dirty || clients.size === 0) return
    dirty = false
    const text = `event: state\ndata: ${JSON.stringify(collector.snapshot())}\n\n`
    for (const c of clients) {
      if (c.writableLength > DASH_MAX_BUFFER_BYTES) { clients.delete(c); c.destroy(); continue }
      c.write(text)
    }
  }, DASH_PUSH_INTERVAL_MS)
  push.unref()
  const server: Server = createApiServer(router, log, { hooks: [uiRequestHook({ shell: 'dashboard.html', log })] })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, LOOPBACK, () => { server.off('error', reject); resolve() })
    })
  } catch (e) {
    clearInterval(push)
    const code = (e as NodeJS.ErrnoException).code
    throw new DashboardError(code === 'EADDRINUSE' ? 'DASHBOARD_PORT_BUSY' : 'DASHBOARD_LISTEN_FAILED',
      `the dashboard cannot listen on ${LOOPBACK}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use (give another: --dashboard PORT, or 0 for any free port)' : (e as Error).message}`)
  }
  collector.start()
  const addr = server.address()
  const url = `http://${LOOPBACK}:${typeof addr === 'object' && addr !== null ? addr.port : port}/`
  return {
    url,
    collector,
    close: async () => {
      clearInterval(push)
      collector.stop()
      for (const c of clients) c.destroy()
      clients.clear()
      await new Promise<void>(resolve => { server.close(() => { resolve() }); server.closeAllConnections() })
    }
  }
}
