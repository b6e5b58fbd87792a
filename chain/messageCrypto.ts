// End-to-end encryption of a message body for one receiver (PROTOCOL §3 messages, issue 8).
// ECDH on secp256k1 between x-only keys, then AES-256-GCM through node:crypto.
//
// Keys are x-only (BIP340), so each side lifts the other's key to the point with even y.
// That point is ±(the real public key), and ±P share an x-coordinate, so both sides derive
// the same shared x whatever the parities: key = SHA-256("tau-msg-v1" ‖ shared_x).
// The body of an encrypted message (type 2) is nonce (12) ‖ ciphertext ‖ tag (16); the AAD binds
// it to the chain, sender and receiver, so a ciphertext cannot be replayed under another header.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { ChainError } from './errors.js'
import { sha256 } from './crypto.js'
import { concatBytes } from './hex.js'
import { multiplyLifted } from './secp256k1.mjs'

const NONCE_BYTES = 12
const TAG_BYTES = 16
const LABEL = new TextEncoder().encode('tau-msg-v1')

/** Bytes an encrypted body adds to the plaintext. */
export const ENCRYPTION_OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES

function sharedKey (mySecret: Uint8Array, theirXOnly: Uint8Array): Buffer {
  const point = multiplyLifted(theirXOnly, mySecret)
  if (point === null) throw new ChainError('MSG_BAD_KEY', 'cannot derive a shared key with that public key')
  return Buffer.from(sha256(LABEL, point.subarray(1)))
}

export interface EnvelopeAad { chainId: Uint8Array, from: Uint8Array, to: Uint8Array }

const aadOf = (a: EnvelopeAad): Uint8Array => concatBytes(a.chainId, a.from, a.to)

export function encryptBody (plaintext: Uint8Array, senderSecret: Uint8Array, aad: EnvelopeAad): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES)
  const c = createCipheriv('aes-256-gcm', sharedKey(senderSecret, aad.to), nonce)
  c.setAAD(aadOf(aad))
  const ct = Buffer.concat([c.update(plaintext), c.final()])
  return concatBytes(nonce, ct, c.getAuthTag())
}

export function decryptBody (body: Uint8Array, receiverSecret: Uint8Array, aad: EnvelopeAad): Uint8Array {
  if (body.length < ENCRYPTION_OVERHEAD_BYTES) throw new ChainError('MSG_DECRYPT_FAILED', 'encrypted body too short')
  const nonce = body.subarray(0, NONCE_BYTES)
  const tag = body.subarray(body.length - TAG_BYTES)
  const ct = body.subarray(NONCE_BYTES, body.length - TAG_BYTES)
  const d = createDecipheriv('aes-256-gcm', sharedKey(receiverSecret, aad.from), nonce)
  d.setAAD(aadOf(aad))
  d.setAuthTag(tag)
  try {
    return new Uint8Array(Buffer.concat([d.update(ct), d.final()]))
  } catch {
    throw new ChainError('MSG_DECRYPT_FAILED', 'cannot decrypt: wrong key or tampered message')
  }
}
