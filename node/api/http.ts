// A small HTTP router on node:http: routes by method and path pattern, JSON bodies with a size
// cap, and every failure as { code, message } with an HTTP status. Bad input is always 4xx;
// a 500 means a bug and is logged with its stack.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { Logger } from '../logger.js'
import { isChainError } from '../../chain/errors.js'

export const MAX_BODY_BYTES = 64 * 1024
export const MAX_URL_CHARS = 2048

export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) { super(message) }
}

export interface ApiRequest {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  body?: unknown
  raw: IncomingMessage
}

export interface ApiResponse {
  status?: number
  body?: unknown
  headers?: Record<string, string>
  /** A text body sent as is (set content-type in headers); replaces `body`. */
  raw?: string
  /** Take over the response (server-sent events); the router writes nothing. */
  stream?: (res: ServerResponse) => void
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>

interface Route { method: string, pattern: string, parts: string[], handler: Handler }

export class Router {
  readonly routes: Route[] = []

  add (method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, parts: pattern.split('/').filter(Boolean), handler })
    return this
  }

  match (method: string, path: string): { route: Route, params: Record<string, string> } | 'method' | undefined {
    const segs = path.split('/').filter(Boolean)
    let pathMatched = false
    for (const r of this.routes) {
      if (r.parts.length !== segs.length) continue
      const params: Record<string, string> = {}
      let ok = true
      for (let i = 0; i < segs.length && ok; i++) {
        const p = r.parts[i]
        if (p.startsWith(':')) params[p.slice(1)] = safeDecode(segs[i])
        else ok = p === segs[i]
      }
      if (!ok) continue
      pathMatched = true
      if (r.method === method) return { route: r, params }
    }
    return pathMatched ? 'method' : undefined
  }
}

function parseUrl (url: string): URL {
  if (!url.startsWith('/')) throw new ApiError(400, 'BAD_URL', 'the request target must be an absolute path')
  try { return new URL(url, 'http://localhost') } catch { throw new ApiError(400, 'BAD_URL', 'malformed URL') }
}

function safeDecode (s: string): string {
  try { return decodeURIComponent(s) } catch { throw new ApiError(400, 'BAD_PATH', 'malformed percent-encoding in the path') }
}

async function readBody (req: IncomingMessage): Promise<unknown> {
  const len = Number(req.headers['content-length'] ?? 0)
  if (len > MAX_BODY_BYTES) throw new ApiError(413, 'BODY_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'BODY_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(c as Buffer)
  }
  if (size === 0) return undefined
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ApiError(400, 'BAD_JSON', 'body is not valid JSON')
  }
}

function send (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export function createApiServer (router: Router, log: Logger): Server {
  const server = createServer((req, res) => {
    void handle(router, req, res, log)
  })
  // Requests node:http refuses before routing (bad characters, malformed headers) still get a coded JSON error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) { socket.destroy(); return }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
    const body = JSON.stringify(tooLarge ? { code: 'HEADERS_TOO_LARGE', message: 'request headers too large' } : { code: 'BAD_REQUEST', message: 'malformed HTTP request' })
    socket.end(`HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`)
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  server.keepAliveTimeout = 5_000
  return server
}

async function handle (router: Router, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  try {
    const url = req.url ?? '/'
    if (url.length > MAX_URL_CHARS) throw new ApiError(414, 'URL_TOO_LONG', `URL over ${MAX_URL_CHARS} characters`)
    const u = parseUrl(url)
    const method = req.method ?? 'GET'
    const m = router.match(method, u.pathname)
    if (m === undefined) throw new ApiError(404, 'NOT_FOUND', `no route ${u.pathname}`)
    if (m === 'method') throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${u.pathname}`)
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : undefined
    const out = await m.route.handler({ method, path: u.pathname, params: m.params, query: u.searchParams, body, raw: req })
    if (out.stream) { out.stream(res); return }
    if (out.raw !== undefined) {
      res.writeHead(out.status ?? 200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(out.raw), ...out.headers })
      res.end(out.raw)
      return
    }
    send(res, out.status ?? 200, out.body ?? {}, out.headers)
  } catch (e) {
    if (e instanceof ApiError) {
      // An unread oversize body would have to be drained to reuse the connection: close it instead.
      const close: Record<string, string> = e.status === 413 ? { connection: 'close' } : {}
      if (res.headersSent) { res.destroy(); return }
      send(res, e.status, { code: e.code, message: e.message }, { 'cache-control': 'no-store', ...close })
    } else if (isChainError(e, 'STORE_CORRUPT')) {
      // The store is inconsistent (a lost or garbled record): never a 404 for data the chain says
      // exists. The log line names the repair (the error message carries it).
      log.error('store corrupt', { err: e.message, url: req.url })
      if (res.headersSent) { res.destroy(); return }
      send(res, 500, { code: 'STORE_CORRUPT', message: 'the node\'s store is damaged; the operator must repair it (see the node log)' }, { 'cache-control': 'no-store' })
    } else {
      log.error('API handler failed', { err: (e as Error).stack ?? String(e), url: req.url })
      if (!res.headersSent) send(res, 500, { code: 'INTERNAL', message: 'internal error' })
      else res.destroy()
    }
  }
}
