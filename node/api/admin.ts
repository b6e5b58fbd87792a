// The one admin check: loopback clients only, with the data dir's bearer token.
import type { ApiNode } from './deps.js'
import { ApiError, type ApiRequest } from './http.js'
import { isLoopback } from './loopback.js'
import { tokenMatches } from './token.js'

export function requireAdmin (node: ApiNode, req: ApiRequest): void {
  if (!isLoopback(req.raw.socket.remoteAddress)) throw new ApiError('ADMIN_LOOPBACK_ONLY', 'admin routes answer loopback clients only')
  const auth = req.raw.headers.authorization
  const token = auth?.startsWith('Bearer ') === true ? auth.slice(7).trim() : undefined
  if (!tokenMatches(token, node.adminToken)) throw new ApiError('ADMIN_TOKEN_REQUIRED', 'missing or wrong admin token (see <data-dir>/admin-token)')
}
