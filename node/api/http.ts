// A small HTTP router on node:http: routes by method and path pattern, JSON bodies with a size
// cap, and every failure as { code, message } with an HTTP status. Bad input is always 4xx;
// a 500 means a bug and is logged with its stack.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { Logger } from '../logger.js'
import type { ClientLimiter } from './publicMode.js'
import { isLoopback } from './loopback.js'
import { ChainError, isChainError } from '../../chain/errors.js'
import { type ApiErrorCode, NodeError } from '../errors.js'
import { type HttpStatus, httpStatusOf } from './errorStatus.js'

export const MAX_BODY_BYTES = 64 * 1024
export const MAX_URL_CHARS = 2048

/** A refusal with a code; its HTTP status is the code's entry in the one table (errorStatus.ts). */
export class ApiError extends Error {
  readonly status: HttpStatus
  constructor (readonly code: ApiErrorCode, message: string) {
    super(message)
    this.status = httpStatusOf(code)
  }
}

/** A public-mode refusal (429 or 503 by its code): sent with `retry-after` in whole seconds. */
export class RateLimitError extends ApiError {
  constructor (code: 'BUSY' | 'TIMEOUT' | 'RATE_LIMITED' | 'TOO_MANY_CONCURRENT' | 'TOO_MANY_STREAMS' | 'TOO_MANY_STREAMS_PER_CLIENT',
    message: string, readonly retryAfterS: number) { super(code, message) }
}

/**
 * For a route's catch: a chain or node error is answered as such (its code and text, the table's
 * status); anything else, and STORE_CORRUPT (answered by the handler below without the store's
 * details), is thrown on unchanged.
 */
export function rethrowAsApiError (e: unknown): never {
  if ((e instanceof ChainError || e instanceof NodeError) && e.code !== 'STORE_CORRUPT') throw new ApiError(e.code, e.message)
  throw e
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
  if (!url.startsWith('/')) throw new ApiError('BAD_URL', 'the request target must be an absolute path')
  try { return new URL(url, 'http://localhost') } catch { throw new ApiError('BAD_URL', 'malformed URL') }
}

function safeDecode (s: string): string {
  try { return decodeURIComponent(s) } catch { throw new ApiError('BAD_PATH', 'malformed percent-encoding in the path') }
}

async function readBody (req: IncomingMessage): Promise<unknown> {
  const len = Number(req.headers['content-length'] ?? 0)
  if (len > MAX_BODY_BYTES) throw new ApiError('BODY_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY_BYTES) throw new ApiError('BODY_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(c as Buffer)
  }
  if (size === 0) return undefined
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ApiError('BAD_JSON', 'body is not valid JSON')
  }
}

function send (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** Runs before routing (CORS, the UI's static files); returns true when it answered the request. */
export type PreRouteHook = (req: IncomingMessage, res: ServerResponse) => boolean

/** What a server adds to plain routing: public-mode limits, a handler deadline, request timing. */
export interface ServerOptions {
  /** Public mode: per-IP rate and concurrency limits (publicMode.ts). */
  limiter?: ClientLimiter
  /** Public mode: routes that answer loopback clients only (private data), as "METHOD /pattern". */
  loopbackOnly?: ReadonlySet<string>
  /** A handler that has not answered by then gets 503 TIMEOUT. */
  handlerTimeoutMs?: number
  requestTimeoutMs?: number
  headersTimeoutMs?: number
  maxConnections?: number
  /** How often node:http checks the request and headers timeouts (its default is 30 s). */
  timeoutCheckMs?: number
  /** Told of every answered request: route pattern (or "unmatched"), method, status, seconds. */
  onAnswered?: (route: string, method: string, status: number, seconds: number) => void
  /** Run before routing (CORS, the UI's static files); one that answers ends the request. */
  hooks?: readonly PreRouteHook[]
}

export function createApiServer (router: Router, log: Logger, opts: ServerOptions = {}): Server {
  const server = createServer(opts.timeoutCheckMs !== undefined ? { connectionsCheckingInterval: opts.timeoutCheckMs } : {}, (req, res) => {
    for (const h of opts.hooks ?? []) if (h(req, res)) return
    void handle(router, req, res, log, opts)
  })
  // Requests node:http refuses before routing (bad characters, malformed headers) still get a coded JSON error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) { socket.destroy(); return }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    const [status, body] = tooLarge ? ['431 Request Header Fields Too Large', { code: 'HEADERS_TOO_LARGE', message: 'request headers too large' }]
      : timeout ? ['408 Request Timeout', { code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time' }]
        : ['400 Bad Request', { code: 'BAD_REQUEST', message: 'malformed HTTP request' }]
    const text = JSON.stringify(body)
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${text}`)
  })
  server.headersTimeout = opts.headersTimeoutMs ?? 10_000
  server.requestTimeout = opts.requestTimeoutMs ?? 30_000
  server.keepAliveTimeout = 5_000
  if (opts.maxConnections !== undefined) server.maxConnections = opts.maxConnections
  return server
}

function withDeadline<T> (p: Promise<T> | T, ms: number | undefined): Promise<T> | T {
  if (ms === undefined || !(p instanceof Promise)) return p
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    // The handler keeps running (it cannot be cancelled); the client is answered now.
    timer = setTimeout(() => { reject(new RateLimitError('TIMEOUT', `no answer within ${ms} ms`, 1)) }, ms)
  })
  return Promise.race([p, deadline]).finally(() => { clearTimeout(timer) })
}

async function handle (router: Router, req: IncomingMessage, res: ServerResponse, log: Logger, opts: ServerOptions): Promise<void> {
  const t0 = opts.onAnswered !== undefined ? performance.now() : 0
  const method = req.method ?? 'GET'
  let route = 'unmatched'
  let status = 200
  let release: (() => void) | undefined
  try {
    const ip = req.socket.remoteAddress ?? 'unknown'
    if (opts.limiter !== undefined) release = opts.limiter.admit(ip)
    const url = req.url ?? '/'
    if (url.length > MAX_URL_CHARS) throw new ApiError('URL_TOO_LONG', `URL over ${MAX_URL_CHARS} characters`)
    const u = parseUrl(url)
    const m = router.match(method, u.pathname)
    if (m === undefined) throw new ApiError('NOT_FOUND', `no route ${u.pathname}`)
    if (m === 'method') throw new ApiError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${u.pathname}`)
    route = m.route.pattern
    if (opts.loopbackOnly?.has(`${method} ${route}`) === true && !isLoopback(ip)) {
      throw new ApiError('LOOPBACK_ONLY', `${method} ${route} answers loopback clients only in public mode`)
    }
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : undefined
    const out = await withDeadline(m.route.handler({ method, path: u.pathname, params: m.params, query: u.searchParams, body, raw: req }), opts.handlerTimeoutMs)
    if (out.stream) {
      // A stream is not a request in flight: it has its own per-client cap.
      const closeStream = opts.limiter?.openStream(ip)
      if (closeStream !== undefined) res.once('close', closeStream)
      release?.(); release = undefined
      out.stream(res)
      return
    }
    status = out.status ?? 200
    if (out.raw !== undefined) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(out.raw), ...out.headers })
      res.end(out.raw)
      return
    }
    send(res, status, out.body ?? {}, out.headers)
  } catch (e) {
    if (e instanceof ApiError) {
      status = e.status
      // An unread oversize body would have to be drained to reuse the connection: close it instead.
      const extra: Record<string, string> = e.status === 413 ? { connection: 'close' } : {}
      if (e instanceof RateLimitError) extra['retry-after'] = String(e.retryAfterS)
      if (res.headersSent) { res.destroy(); return }
      send(res, e.status, { code: e.code, message: e.message }, { 'cache-control': 'no-store', ...extra })
    } else if (isChainError(e, 'STORE_CORRUPT')) {
      status = 500
      // The store is inconsistent (a lost or garbled record): never a 404 for data the chain says
      // exists. The log line names the repair (the error message carries it).
      log.error('store corrupt', { err: e.message, url: req.url })
      if (res.headersSent) { res.destroy(); return }
      send(res, 500, { code: 'STORE_CORRUPT', message: 'the node\'s store is damaged; the operator must repair it (see the node log)' }, { 'cache-control': 'no-store' })
    } else {
      status = 500
      log.error('API handler failed', { err: (e as Error).stack ?? String(e), url: req.url })
      if (!res.headersSent) send(res, 500, { code: 'INTERNAL', message: 'internal error' })
      else res.destroy()
    }
  } finally {
    release?.()
    opts.onAnswered?.(route, method, status, (performance.now() - t0) / 1000)
  }
}

