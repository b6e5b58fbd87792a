// How the API shows a message: hex fields, and the text when it is public. An encrypted message's
// text is only ever decrypted for an admin caller (loopback + token) and only when this node is its
// receiver: the public routes show who wrote to whom and when, never what (issue 22). Anyone else
// sees only that it is encrypted.
import { bytesEqual, toHex } from '../../chain/hex.js'
import { MSG_TYPE_ENCRYPTED } from '../../chain/constants.js'
import type { Message } from '../../chain/message.js'
import { decryptBody } from '../../chain/messageCrypto.js'

export interface MessageView {
  id: string
  from: string
  to: string | null
  timestamp: number
  prev: string | null
  /** Read receipt (PROTOCOL §3 v2 `r`): the newest message from `to` the sender held; null when absent. */
  receipt: string | null
  type: number
  encrypted: boolean
  /** Plain text; null when encrypted and not shown to this caller (or not decryptable). */
  text: string | null
}

/** Who is asking: `decrypt` only for admin callers; the keys are this node's. */
export interface Viewer { publicKey: Uint8Array, secretKey: Uint8Array, decrypt: boolean }

const utf8 = new TextDecoder('utf-8', { fatal: false })

export function viewOf (m: Message, id: Uint8Array, viewer: Viewer): MessageView {
  const encrypted = m.y === MSG_TYPE_ENCRYPTED
  let text: string | null = null
  if (!encrypted) text = utf8.decode(m.b)
  else if (viewer.decrypt && m.o !== undefined && bytesEqual(m.o, viewer.publicKey)) {
    try { text = utf8.decode(decryptBody(m.b, viewer.secretKey, { chainId: m.c, from: m.f, to: m.o })) } catch { text = null }
  }
  return {
    id: toHex(id),
    from: toHex(m.f),
    to: m.o !== undefined ? toHex(m.o) : null,
    timestamp: m.t,
    prev: m.p.length > 0 ? toHex(m.p) : null,
    receipt: m.r !== undefined ? toHex(m.r) : null,
    type: m.y,
    encrypted,
    text
  }
}
