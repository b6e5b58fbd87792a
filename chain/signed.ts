// Shared machinery for signed, content-addressed objects (blocks, transactions, messages).
// Objects are frozen once built or decoded, so their canonical bytes and id are cached per object:
// a block's id is asked for many times on the import path and hashing it each time is waste.
import { type Schema, decodeWith, encodeWith } from './codec.js'
import { sha256, signHash, verifyHash } from './crypto.js'
import { isVerified, markVerified } from './verifyCache.js'

const bytesCache = new WeakMap<object, Uint8Array>()
const idCache = new WeakMap<object, Uint8Array>()

/** Canonical encoding with the signature (what the DHT stores and the id hashes). */
export function encodedOf (schema: Schema, obj: object): Uint8Array {
  let b = bytesCache.get(obj)
  if (b === undefined) {
    b = encodeWith(schema, obj)
    if (Object.isFrozen(obj)) bytesCache.set(obj, b)
  }
  return b
}

/** Object id: SHA-256 of the full canonical encoding (PROTOCOL §1). */
export function idOf (schema: Schema, obj: object): Uint8Array {
  let id = idCache.get(obj)
  if (id === undefined) {
    id = sha256(encodedOf(schema, obj))
    if (Object.isFrozen(obj)) idCache.set(obj, id)
  }
  return id
}

/** The 32-byte hash that `s` signs: SHA-256 of the encoding without `s`. */
export function signingHashOf (schema: Schema, obj: object): Uint8Array {
  return sha256(encodeWith(schema, obj, 's'))
}

/** Decodes and freezes; the input bytes are canonical, so they are the cached encoding. */
export function decodeFrozen<T extends object> (schema: Schema, input: Uint8Array): T {
  const obj = decodeWith<T>(schema, input)
  freezeDeep(obj)
  bytesCache.set(obj, input.slice())
  return obj
}

export function signObject<T extends object> (schema: Schema, unsigned: Omit<T, 's'>, secretKey: Uint8Array): T {
  const s = signHash(signingHashOf(schema, unsigned), secretKey)
  const obj = { ...unsigned, s } as T
  encodeWith(schema, obj) // fail now, not later, if the signed object breaks a limit
  return freezeDeep(obj)
}

/** Checks `obj.s` against `signer`; a frozen object's success is remembered (verifyCache.ts). */
export function verifyObject (schema: Schema, obj: { s: Uint8Array }, signer: Uint8Array): boolean {
  if (isVerified(obj, signer)) return true
  let h: Uint8Array
  try {
    h = signingHashOf(schema, obj)
  } catch {
    return false
  }
  const ok = verifyHash(obj.s, h, signer)
  if (ok) markVerified(obj, signer)
  return ok
}

export function freezeDeep<T> (o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o) && !(o instanceof Uint8Array)) {
    Object.freeze(o)
    for (const v of Object.values(o as object)) freezeDeep(v)
  }
  return o
}
