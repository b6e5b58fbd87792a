// Verification of every get answer, whichever path brought it (direct, recursive, local).
// The library checks recursive answers too, but with bencode 4's lenient view of the value; here
// the value must be a canonical TAU dict of at most 1000 bytes, so its bytes, hash and signature
// are exactly the ones the chain layer will see. Nothing here throws.
import { sha256, verifyHash } from '../chain/crypto.js'
import { bytesEqual } from '../chain/hex.js'
import { MAX_VALUE_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './constants.js'
import { canonicalOf, isBytesOf, isSafeUint, mutableTarget, signatureData } from './wire.js'

export type Rejection = 'not_dict' | 'bad_type' | 'too_deep' | 'oversize' | 'wrong_target' | 'bad_k' | 'bad_sig' | 'bad_seq'
export type Checked<T> = { ok: true, item: T } | { ok: false, reason: Rejection }

export interface MutableValue { value: Uint8Array, seq: number, k: Uint8Array }

/** An immutable answer: sha256(canonical bencode of v) must equal the target. */
export function verifyImmutable (v: unknown, target: Uint8Array): Checked<Uint8Array> {
  const c = canonicalOf(v)
  if (!c.ok) return c
  if (!bytesEqual(sha256(c.bytes), target)) return { ok: false, reason: 'wrong_target' }
  return { ok: true, item: c.bytes }
}

/** Bytes from the node's own store: a hash check suffices (the store holds canonical objects). */
export function verifyStoredBytes (bytes: Uint8Array, target: Uint8Array): Checked<Uint8Array> {
  if (bytes.length > MAX_VALUE_BYTES) return { ok: false, reason: 'oversize' }
  if (!bytesEqual(sha256(bytes), target)) return { ok: false, reason: 'wrong_target' }
  return { ok: true, item: bytes }
}

/**
 * A mutable answer {v, k, sig, seq}: sha256(k ‖ salt) must equal the target and the BIP340
 * signature over sha256(signature data) must verify under k. `onVerify` counts the Schnorr checks.
 */
export function verifyMutable (r: Record<string, unknown>, salt: Uint8Array, target: Uint8Array, onVerify?: () => void): Checked<MutableValue> {
  const { k, sig, seq } = r
  if (!isBytesOf(k, PUBLIC_KEY_BYTES)) return { ok: false, reason: 'bad_k' }
  if (!bytesEqual(mutableTarget(k, salt), target)) return { ok: false, reason: 'wrong_target' }
  if (!isSafeUint(seq)) return { ok: false, reason: 'bad_seq' }
  if (!isBytesOf(sig, SIGNATURE_BYTES)) return { ok: false, reason: 'bad_sig' }
  const c = canonicalOf(r.v)
  if (!c.ok) return c
  onVerify?.()
  if (!verifyHash(sig, sha256(signatureData(salt, seq, c.bytes)), k)) return { ok: false, reason: 'bad_sig' }
  return { ok: true, item: { value: c.bytes, seq, k: new Uint8Array(k) } }
}
