// Off-chain messages (PROTOCOL §3): each points to its sender's previous message (a hash chain), and
// (version 2, optional) `r` names the newest message from the receiver the sender held: a read
// receipt, signed with the rest, that ties the two senders' chains into one dual-chain DAG.
import { CodecError } from './errors.js'
import { type Schema, bytes, bytesMax, int } from './codec.js'
import { CHAIN_ID_BYTES, HASH_BYTES, KEY_BYTES, MAX_MSG_BODY_BYTES, SIG_BYTES } from './constants.js'
import { decodeFrozen, encodedOf, idOf, signObject, verifyObject } from './signed.js'

export interface Message {
  v: number
  c: Uint8Array
  f: Uint8Array
  o?: Uint8Array
  t: number
  p: Uint8Array
  /** Read receipt (optional): id of the newest message from `o` the sender held. */
  r?: Uint8Array
  y: number
  b: Uint8Array
  s: Uint8Array
}

export const MESSAGE_SCHEMA: Schema = {
  name: 'message',
  fields: {
    v: int(),
    c: bytes(CHAIN_ID_BYTES),
    f: bytes(KEY_BYTES),
    o: bytes(KEY_BYTES),
    t: int(),
    p: bytesMax(HASH_BYTES),
    r: bytes(HASH_BYTES),
    y: int(),
    b: bytesMax(MAX_MSG_BODY_BYTES),
    s: bytes(SIG_BYTES)
  },
  optional: ['o', 'r']
}

export function decodeMessage (input: Uint8Array): Message {
  const m = decodeFrozen<Message>(MESSAGE_SCHEMA, input)
  if (m.p.length !== 0 && m.p.length !== HASH_BYTES) {
    throw new CodecError('CODEC_BAD_LENGTH', 'message.p must be empty or 32 bytes')
  }
  return m
}

export const encodeMessage = (m: Message): Uint8Array => encodedOf(MESSAGE_SCHEMA, m)
export const messageId = (m: Message): Uint8Array => idOf(MESSAGE_SCHEMA, m)
export const verifyMessageSignature = (m: Message): boolean => verifyObject(MESSAGE_SCHEMA, m, m.f)

export function createMessage (sk: Uint8Array, o: {
  chainId: Uint8Array, from: Uint8Array, to?: Uint8Array, timestamp: number, prev?: Uint8Array, receipt?: Uint8Array, type: number, body: Uint8Array
}): Message {
  const unsigned = {
    v: 1, c: o.chainId, f: o.from, o: o.to, t: o.timestamp, p: o.prev ?? new Uint8Array(0), r: o.receipt, y: o.type, b: o.body
  }
  if (unsigned.o === undefined) delete unsigned.o
  if (unsigned.r === undefined) delete unsigned.r
  return signObject<Message>(MESSAGE_SCHEMA, unsigned, sk)
}
