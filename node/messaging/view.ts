// How the API shows a message: hex fields, the text when it is public or this node is the
// receiver of an encrypted one; anyone else sees only that it is encrypted.
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
  type: number
  encrypted: boolean
  /** Plain text; null when encrypted for someone else (or not decryptable). */
  text: string | null
}

const utf8 = new TextDecoder('utf-8', { fatal: false })

export function viewOf (m: Message, id: Uint8Array, me: { publicKey: Uint8Array, secretKey: Uint8Array }): MessageView {
  const encrypted = m.y === MSG_TYPE_ENCRYPTED
  let text: string | null = null
  if (!encrypted) text = utf8.decode(m.b)
  else if (m.o !== undefined && bytesEqual(m.o, me.publicKey)) {
    try { text = utf8.decode(decryptBody(m.b, me.secretKey, { chainId: m.c, from: m.f, to: m.o })) } catch { text = null }
  }
  return {
    id: toHex(id),
    from: toHex(m.f),
    to: m.o !== undefined ? toHex(m.o) : null,
    timestamp: m.t,
    prev: m.p.length > 0 ? toHex(m.p) : null,
    type: m.y,
    encrypted,
    text
  }
}
