// Messaging routes (PROTOCOL §3, §9): POST /messages (admin: loopback + bearer token) signs, stores
// and publishes a message from this node's key; GET /messages lists stored chains newest first, with
// the text of encrypted messages only when this node is their receiver. Live `message` events go
// through the SSE hub (the pipeline emits ctx.events 'message').
import { isChainError } from '../../../chain/errors.js'
import { toHex } from '../../../chain/hex.js'
import type { TauNode } from '../../node.js'
import { LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, MAX_TEXT_BYTES } from '../../messaging/constants.js'
import { viewOf } from '../../messaging/view.js'
import { ApiError, type Router } from '../http.js'
import { hexParam, intParam } from '../params.js'
import { requireAdmin } from '../admin.js'

const NO_STORE = { 'cache-control': 'no-store' }

export function addMessageRoutes (router: Router, node: TauNode): void {
  router.add('POST', '/messages', async req => {
    requireAdmin(node, req)
    const b = req.body as { text?: unknown, to?: unknown, encrypt?: unknown } | undefined
    if (typeof b !== 'object' || b === null || typeof b.text !== 'string') {
      throw new ApiError(400, 'BAD_MESSAGE', 'body must be {"text": string, "to"?: hex key, "encrypt"?: boolean}')
    }
    if (Buffer.byteLength(b.text, 'utf8') > MAX_TEXT_BYTES + (b.encrypt === true ? 0 : 28)) {
      throw new ApiError(400, 'MSG_TOO_LARGE', `text over ${b.encrypt === true ? MAX_TEXT_BYTES : MAX_TEXT_BYTES + 28} UTF-8 bytes`)
    }
    if (b.to !== undefined && typeof b.to !== 'string') throw new ApiError(400, 'BAD_PARAM', 'to must be 64 hex characters')
    if (b.encrypt !== undefined && typeof b.encrypt !== 'boolean') throw new ApiError(400, 'BAD_PARAM', 'encrypt must be a boolean')
    const to = b.to !== undefined ? hexParam(b.to, 32, 'to') : undefined
    try {
      const { id, message } = await node.messages.send({ text: b.text, to, encrypt: b.encrypt === true })
      return { status: 201, body: { id: toHex(id), message: viewOf(message, id, node.ctx.key) } }
    } catch (e) {
      if (!isChainError(e)) throw e
      throw new ApiError(400, e.code, e.message)
    }
  })

  router.add('GET', '/messages', req => {
    const q = req.query
    const peer = q.get('peer') !== null ? hexParam(q.get('peer') ?? undefined, 32, 'peer') : undefined
    const before = q.get('before') !== null ? hexParam(q.get('before') ?? undefined, 32, 'before') : undefined
    const limit = intParam(q.get('limit'), 'limit', 1, LIST_MAX_LIMIT, LIST_DEFAULT_LIMIT)
    let items
    try {
      items = node.messages.list({ peer, before, limit })
    } catch (e) {
      if (isChainError(e, 'MSG_NOT_FOUND')) throw new ApiError(404, e.code, e.message)
      throw e
    }
    const messages = items.map(({ m, id }) => viewOf(m, id, node.ctx.key))
    return { body: { messages, next: messages.length === limit ? messages[messages.length - 1].id : null }, headers: NO_STORE }
  })
}
