// Messaging routes (PROTOCOL §3, §9). Public: GET /messages lists stored chains newest first, with
// the text of public messages and, for encrypted ones, metadata only (who, to whom, when, links):
// a miner that opens its API for explorers must not hand out its private messages (issue 22).
// Admin (loopback + bearer token): POST /messages signs, stores and publishes a message from this
// node's key; GET /admin/messages is the same listing with the encrypted messages addressed to
// this node decrypted. Live `message` events go through the SSE hub (ctx.events 'message').
import { isNodeError } from '../../errors.js'
import { bytesEqual, toHex } from '../../../chain/hex.js'
import { checkDag } from '../../messaging/conversation.js'
import { addFriendRoutes } from './friends.js'
import type { ApiNode } from '../deps.js'
import { LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, MAX_TEXT_BYTES } from '../../messaging/constants.js'
import { viewOf } from '../../messaging/view.js'
import { ApiError, type ApiRequest, type ApiResponse, type Router, rethrowAsApiError } from '../http.js'
import { hexParam, intParam } from '../params.js'
import { requireAdmin } from '../admin.js'
import { addRouteDoc } from '../openapi.js'

const NO_STORE = { 'cache-control': 'no-store' }
const HEX32 = '^[0-9a-fA-F]{64}$'

/** ?with=KEY: the conversation with KEY, newest first, each message with its delivered / read state. */
function listConversation (node: ApiNode, other: Uint8Array, before: Uint8Array | undefined, limit: number, decrypt: boolean): ApiResponse {
  const all = node.messages.conversation(other)
  let start = 0
  if (before !== undefined) {
    const i = all.findIndex(x => bytesEqual(x.id, before))
    if (i < 0) throw new ApiError('MSG_NOT_FOUND', 'before names no message of this conversation')
    start = i + 1
  }
  const page = all.slice(start, start + limit)
  const viewer = { ...node.ctx.key, decrypt }
  const messages = page.map(x => ({ ...viewOf(x.m, x.id, viewer), state: x.state, receiptTrusted: x.receiptTrusted }))
  const dag = checkDag(all, id => node.ctx.chain.messages.get(id))
  const body: Record<string, unknown> = { with: toHex(other), messages, next: start + limit < all.length ? messages[messages.length - 1].id : null, dag }
  // Whom this node counts as a friend is private: only the admin listing says.
  if (decrypt) body.friend = node.messages.friends.has(other)
  return { body, headers: NO_STORE }
}

function listMessages (node: ApiNode, req: ApiRequest, decrypt: boolean): ApiResponse {
  const q = req.query
  const peer = q.get('peer') !== null ? hexParam(q.get('peer') ?? undefined, 32, 'peer') : undefined
  const before = q.get('before') !== null ? hexParam(q.get('before') ?? undefined, 32, 'before') : undefined
  const limit = intParam(q.get('limit'), 'limit', 1, LIST_MAX_LIMIT, LIST_DEFAULT_LIMIT)
  if (q.get('with') !== null) {
    if (peer !== undefined) throw new ApiError('BAD_PARAM', 'give either with or peer')
    return listConversation(node, hexParam(q.get('with') ?? undefined, 32, 'with'), before, limit, decrypt)
  }
  let items
  try {
    items = node.messages.list({ peer, before, limit })
  } catch (e) {
    if (isNodeError(e, 'MSG_NOT_FOUND')) throw new ApiError('MSG_NOT_FOUND', e.message)
    throw e
  }
  const viewer = { ...node.ctx.key, decrypt }
  const messages = items.map(({ m, id }) => viewOf(m, id, viewer))
  return { body: { messages, next: messages.length === limit ? messages[messages.length - 1].id : null }, headers: NO_STORE }
}

export function addMessageRoutes (router: Router, node: ApiNode): void {
  addFriendRoutes(router, node)
  router.add('POST', '/messages', async req => {
    requireAdmin(node, req)
    const b = req.body as { text?: unknown, to?: unknown, encrypt?: unknown } | undefined
    if (typeof b !== 'object' || b === null || typeof b.text !== 'string') {
      throw new ApiError('BAD_MESSAGE', 'body must be {"text": string, "to"?: hex key, "encrypt"?: boolean}')
    }
    if (Buffer.byteLength(b.text, 'utf8') > MAX_TEXT_BYTES + (b.encrypt === true ? 0 : 28)) {
      throw new ApiError('MSG_TOO_LARGE', `text over ${b.encrypt === true ? MAX_TEXT_BYTES : MAX_TEXT_BYTES + 28} UTF-8 bytes`)
    }
    if (b.to !== undefined && typeof b.to !== 'string') throw new ApiError('BAD_PARAM', 'to must be 64 hex characters')
    if (b.encrypt !== undefined && typeof b.encrypt !== 'boolean') throw new ApiError('BAD_PARAM', 'encrypt must be a boolean')
    const to = b.to !== undefined ? hexParam(b.to, 32, 'to') : undefined
    try {
      const { id, message } = await node.messages.send({ text: b.text, to, encrypt: b.encrypt === true })
      return { status: 201, body: { id: toHex(id), message: viewOf(message, id, { ...node.ctx.key, decrypt: true }) } }
    } catch (e) {
      rethrowAsApiError(e)
    }
  })

  router.add('GET', '/messages', req => listMessages(node, req, false))

  router.add('GET', '/admin/messages', req => {
    requireAdmin(node, req)
    return listMessages(node, req, true)
  })
  addRouteDoc({
    method: 'GET',
    path: '/admin/messages',
    operationId: 'listMessagesDecrypted',
    summary: 'Like GET /messages, with the encrypted messages addressed to this node decrypted (admin)',
    cache: 'no-store',
    admin: true,
    params: [
      { name: 'with', in: 'query', description: 'the conversation with this key (both sides, delivered / read states, DAG check)', schema: { type: 'string', pattern: HEX32 } },
      { name: 'peer', in: 'query', description: "only this sender's chain", schema: { type: 'string', pattern: HEX32 } },
      { name: 'before', in: 'query', description: 'message id cursor', schema: { type: 'string', pattern: HEX32 } },
      { name: 'limit', in: 'query', description: 'page size', schema: { type: 'integer', minimum: 1, maximum: LIST_MAX_LIMIT } }
    ],
    responses: {
      200: { description: 'page', schema: 'MessagePage' },
      400: { description: 'bad parameter', schema: 'Error' },
      401: { description: 'missing or wrong admin token', schema: 'Error' },
      403: { description: 'not a loopback client', schema: 'Error' },
      404: { description: 'before names no stored message', schema: 'Error' }
    }
  })
}
