// Message validation (PROTOCOL §3): every check has a code, hostile input only ever throws a coded error (NodeError MSG_*, or ChainError from the chain primitives).
//  - validateMessage: one message on its own (version, chain, type, size, time, signature).
//  - checkLink: a message against the one its `p` names (same sender, time does not go back).
import { NodeError } from '../errors.js'
import { bytesEqual } from '../../chain/hex.js'
import { type Message, encodeMessage, messageId, verifyMessageSignature } from '../../chain/message.js'
import {
  HASH_BYTES, MAX_FUTURE_DRIFT_S, MAX_ITEM_BYTES, MAX_MSG_BODY_BYTES, MSG_TYPE_ENCRYPTED, MSG_TYPE_TEXT, PK_ID_BYTES
} from '../../chain/constants.js'
import { ENCRYPTION_OVERHEAD_BYTES } from '../../chain/messageCrypto.js'

export interface ValidateRules { chainId: Uint8Array, nowS: number }

/** pk_id: the last 4 bytes of a public key (seed design, gossip format). */
export const pkIdOf = (key: Uint8Array): Uint8Array => key.subarray(key.length - PK_ID_BYTES)

export function validateMessage (m: Message, rules: ValidateRules): void {
  if (m.v !== 1) throw new NodeError('MSG_BAD_VERSION', `unknown message version ${m.v}`)
  if (!bytesEqual(m.c, rules.chainId)) throw new NodeError('MSG_WRONG_CHAIN', 'message belongs to another chain')
  if (m.y !== MSG_TYPE_TEXT && m.y !== MSG_TYPE_ENCRYPTED) throw new NodeError('MSG_BAD_TYPE', `unknown message type ${m.y}`)
  if (m.p.length !== 0 && m.p.length !== HASH_BYTES) throw new NodeError('MSG_BROKEN_CHAIN', 'p must be empty or a 32-byte id')
  if (m.b.length > MAX_MSG_BODY_BYTES) throw new NodeError('MSG_TOO_LARGE', `body over ${MAX_MSG_BODY_BYTES} bytes`)
  if (m.y === MSG_TYPE_ENCRYPTED) {
    if (m.o === undefined) throw new NodeError('MSG_BAD_RECEIVER', 'an encrypted message needs a receiver')
    if (m.b.length < ENCRYPTION_OVERHEAD_BYTES) throw new NodeError('MSG_BAD_BODY', 'encrypted body too short')
  }
  let size: number
  try { size = encodeMessage(m).length } catch { throw new NodeError('MSG_BAD_ENCODING', 'message does not encode') }
  if (size > MAX_ITEM_BYTES) throw new NodeError('MSG_TOO_LARGE', `message is ${size} bytes, over ${MAX_ITEM_BYTES}`)
  if (!Number.isSafeInteger(m.t) || m.t < 0) throw new NodeError('MSG_BAD_TIME', 'bad timestamp')
  if (m.t > rules.nowS + MAX_FUTURE_DRIFT_S) throw new NodeError('MSG_FROM_FUTURE', `timestamp ${m.t} is ahead of now ${rules.nowS}`)
  let ok = false
  try { ok = verifyMessageSignature(m) } catch { ok = false }
  if (!ok) throw new NodeError('MSG_BAD_SIGNATURE', 'signature does not verify against the sender key')
}

/** `m` must follow `prev`: the id its `p` names, by the same sender, not earlier in time. */
export function checkLink (m: Message, prev: Message): void {
  if (!bytesEqual(m.p, messageId(prev))) throw new NodeError('MSG_BROKEN_CHAIN', 'p does not name the previous message')
  if (!bytesEqual(m.f, prev.f)) throw new NodeError('MSG_BROKEN_CHAIN', "p names another sender's message")
  if (m.t < prev.t) throw new NodeError('MSG_BROKEN_CHAIN', 'message is older than its predecessor')
}
