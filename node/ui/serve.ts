// Serves the UI's files over node:http: the page shell at `/` (or another path), assets under /ui/.
// Answers carry a strict Content-Security-Policy, nosniff and an ETag; the browser revalidates
// (no-cache) so a node upgrade is picked up at once, and an unchanged file costs a 304.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../logger.js'
import { type Asset, UiError, uiAssets } from './assets.js'
import { UI_CSP, UI_MAX_ASSET_PATH_CHARS } from './constants.js'

/** Handles the request when it is the UI's and returns true; false leaves it to the API router. */
export type RequestHook = (req: IncomingMessage, res: ServerResponse) => boolean

export interface UiOptions {
  /** The HTML shell served at `/`: the explorer (index.html) or the testnet dashboard. */
  shell: 'index.html' | 'dashboard.html'
  log?: Logger
}

const ASSET_NAME = /^[a-z][a-z0-9-]*\.(js|css|svg|html)$/

export function uiRequestHook (opts: UiOptions): RequestHook {
  return (req, res) => {
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'HEAD') return false
    const path = (req.url ?? '/').split('?')[0]
    let name: string
    if (path === '/') name = opts.shell
    else if (path === '/favicon.ico') name = 'favicon.svg'
    else if (path.startsWith('/ui/')) name = path.slice(4)
    else return false
    answer(name, req, res, method === 'HEAD', opts.log).catch((e: unknown) => {
      opts.log?.error('UI request failed', { err: (e as Error).stack ?? String(e), url: req.url })
      fail(res, 500, 'INTERNAL', 'internal error')
    })
    return true
  }
}

async function answer (name: string, req: IncomingMessage, res: ServerResponse, head: boolean, log?: Logger): Promise<void> {
  if (name.length > UI_MAX_ASSET_PATH_CHARS || !ASSET_NAME.test(name)) { fail(res, 404, 'NOT_FOUND', `no UI file ${name.slice(0, UI_MAX_ASSET_PATH_CHARS)}`); return }
  let a: Asset | undefined
  try {
    a = (await uiAssets()).get(name)
  } catch (e) {
    if (!(e instanceof UiError)) throw e
    log?.error('UI build failed', { err: e.message })
    fail(res, 503, e.code, e.message)
    return
  }
  if (a === undefined) { fail(res, 404, 'NOT_FOUND', `no UI file ${name}`); return }
  const headers: Record<string, string> = {
    'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache', vary: 'Accept-Encoding', 'x-content-type-options': 'nosniff',
    'content-security-policy': UI_CSP, 'referrer-policy': 'no-referrer'
  }
  if (req.headers['if-none-match'] === a.etag) { res.writeHead(304, headers); res.end(); return }
  const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
  const body = gz ? a.gzip : a.body
  res.writeHead(200, { ...headers, ...(gz ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.length) })
  res.end(head ? undefined : body)
}

function fail (res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) { res.destroy(); return }
  const body = JSON.stringify({ code, message })
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
  res.end(body)
}
