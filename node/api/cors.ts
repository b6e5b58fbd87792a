// CORS for explorers served from other origins (`--api-cors ORIGIN[,ORIGIN]`, none by default).
// Only the listed origins get an allow header; the answer names that one origin (never `*`), so a
// browser can read the public routes. Preflights allow content-type and Last-Event-ID but never
// the authorization header, so a page on another origin cannot call the admin routes at all.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CORS_MAX_AGE_S } from '../ui/constants.js'

export const CORS_ALLOWED_METHODS = 'GET, HEAD, POST'
export const CORS_ALLOWED_HEADERS = 'content-type, last-event-id'

/**
 * Adds the CORS headers for an allowed origin (they merge into whatever the router writes later)
 * and answers preflights. Returns true when it answered the request itself.
 */
export function corsHook (origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = new Set(origins)
  return (req, res) => {
    const origin = req.headers.origin
    if (origin === undefined || allowed.size === 0) return false
    res.setHeader('vary', 'Origin')
    const ok = allowed.has(origin)
    if (ok) res.setHeader('access-control-allow-origin', origin)
    if (req.method !== 'OPTIONS') return false
    // A preflight: 204 with the rules when the origin is allowed, 204 without them otherwise (the
    // browser then refuses the real request; nothing leaks either way).
    if (ok) {
      res.setHeader('access-control-allow-methods', CORS_ALLOWED_METHODS)
      res.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS)
      res.setHeader('access-control-max-age', String(CORS_MAX_AGE_S))
    }
    res.writeHead(204, { 'content-length': '0', 'cache-control': 'no-store' })
    res.end()
    return true
  }
}

/** Checks one `--api-cors` entry: an exact origin (scheme, host, optional port), no path. */
export function isOrigin (s: string): boolean {
  if (!/^https?:\/\/[^/\s]+$/.test(s)) return false
  try { return new URL(s).origin === s } catch { return false }
}
