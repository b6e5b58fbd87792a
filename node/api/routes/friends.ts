// Friends and contact requests (issue 22), all admin (loopback + token): who this node talks to
// and who asked to is private. GET /admin/friends, POST /admin/friends {key, name?},
// POST /admin/friends/remove {key}, GET /messages/requests.
import type { ApiNode } from '../deps.js'
import { ApiError, type Router, rethrowAsApiError } from '../http.js'
import { requireAdmin } from '../admin.js'
import { type RouteDoc, addRouteDoc } from '../openapi.js'
import { type JsonSchema, addSchema } from '../schemas.js'

const NO_STORE = { 'cache-control': 'no-store' }
const E400 = { description: 'bad body', schema: 'Error' }
const E401 = { description: 'missing or wrong admin token', schema: 'Error' }
const E403 = { description: 'not a loopback client', schema: 'Error' }
const open = (description: string): JsonSchema => ({ type: 'object', description })

addSchema('FriendList', { type: 'object', required: ['friends'], properties: { friends: { type: 'array', items: open('a friend: key, name, announced nickname and gossip interval') } } })
addSchema('FriendAdded', { type: 'object', required: ['friend', 'added'], properties: { friend: open('the friend'), added: { type: 'boolean' } } })
addSchema('FriendRemoved', { type: 'object', required: ['removed'], properties: { removed: { type: 'boolean' } } })
addSchema('ContactRequests', { type: 'object', required: ['requests'], properties: { requests: { type: 'array', items: open('a key that is not a friend and wrote to this node') } } })
addSchema('FriendRequest', { type: 'object', required: ['key'], properties: { key: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' }, name: { type: 'string' } } })

const DOCS: RouteDoc[] = [
  { method: 'GET', path: '/admin/friends', operationId: 'listFriends', summary: 'Friends, with the nickname and gossip interval each announced (admin)', cache: 'no-store', admin: true, responses: { 200: { description: 'friends', schema: 'FriendList' }, 401: E401, 403: E403 } },
  { method: 'POST', path: '/admin/friends', operationId: 'addFriend', summary: 'Add (or rename) a friend (admin)', cache: 'no-store', admin: true, body: { description: '{ key: 64 hex, name?: ≤ 32 UTF-8 bytes }', schema: 'FriendRequest' }, responses: { 200: { description: 'the friend', schema: 'FriendAdded' }, 400: E400, 401: E401, 403: E403 } },
  { method: 'POST', path: '/admin/friends/remove', operationId: 'removeFriend', summary: 'Remove a friend (admin)', cache: 'no-store', admin: true, body: { description: '{ key: 64 hex }', schema: 'FriendRequest' }, responses: { 200: { description: 'whether it was a friend', schema: 'FriendRemoved' }, 400: E400, 401: E401, 403: E403 } },
  { method: 'GET', path: '/messages/requests', operationId: 'listContactRequests', summary: 'Contact requests: keys that are not friends and wrote to this node (admin)', cache: 'no-store', admin: true, responses: { 200: { description: 'requests, newest first', schema: 'ContactRequests' }, 401: E401, 403: E403 } }
]

function bodyOf (req: { body?: unknown }): { key?: unknown, name?: unknown } {
  const b = req.body
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new ApiError('BAD_BODY', 'body must be a JSON object {"key": hex, "name"?: string}')
  const o = b as { key?: unknown, name?: unknown }
  if (typeof o.key !== 'string') throw new ApiError('BAD_BODY', 'key must be a string of 64 hex characters')
  if (o.name !== undefined && typeof o.name !== 'string') throw new ApiError('BAD_BODY', 'name must be a string')
  return o
}

export function addFriendRoutes (router: Router, node: ApiNode): void {
  for (const d of DOCS) addRouteDoc(d)

  router.add('GET', '/admin/friends', req => {
    requireAdmin(node, req)
    return { body: { friends: node.messages.friends.list() }, headers: NO_STORE }
  })

  router.add('POST', '/admin/friends', req => {
    requireAdmin(node, req)
    const b = bodyOf(req)
    try {
      const r = node.messages.addFriend(b.key as string, b.name as string | undefined)
      node.log.info('friend added', { key: r.friend.key.slice(0, 16), added: r.added })
      return { body: r, headers: NO_STORE }
    } catch (e) {
      rethrowAsApiError(e)
    }
  })

  router.add('POST', '/admin/friends/remove', req => {
    requireAdmin(node, req)
    const b = bodyOf(req)
    try {
      return { body: { removed: node.messages.removeFriend(b.key as string) }, headers: NO_STORE }
    } catch (e) {
      rethrowAsApiError(e)
    }
  })

  router.add('GET', '/messages/requests', req => {
    requireAdmin(node, req)
    return { body: { requests: node.messages.requests.list() }, headers: NO_STORE }
  })
}
