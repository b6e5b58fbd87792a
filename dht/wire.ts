// The boundary between wire values and canonical bytes.
// k-rpc-socket decodes packets with bencode 2: byte strings arrive as Buffers, dicts as plain
// objects (keys UTF-8 decoded, a "__proto__" key can swap the prototype), integers as numbers
// that may be negative, fractional or imprecise. Nothing from the wire is trusted until
// `measureValue` has walked it (types, depth, exact encoded size with early exit) and
// `canonicalOf` has re-encoded it canonically, so a value's bytes and hash are always ours.
import { type BValue, decodeCanonical, encodeCanonical } from '../chain/bencode.js'
import { sha256 } from '../chain/crypto.js'
import { MAX_VALUE_BYTES, MAX_VALUE_DEPTH } from './constants.js'

export type ValueProblem = 'bad_type' | 'too_deep' | 'oversize' | 'not_dict'
export type Measured = { ok: true, bytes: number } | { ok: false, reason: ValueProblem }

/** A real byte string (an internal typed-array slot, not an object with a Buffer prototype). */
export function isBytes (x: unknown): x is Buffer {
  return ArrayBuffer.isView(x) && Buffer.isBuffer(x)
}

export function isBytesOf (x: unknown, len: number): x is Buffer {
  return isBytes(x) && x.length === len
}

export function isBytesMax (x: unknown, max: number): x is Buffer {
  return isBytes(x) && x.length <= max
}

export function isSafeUint (x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
}

export function isPlainDict (x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return false
  const proto = Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

const digits = (n: number): number => String(n).length

/**
 * Exact canonical bencode size of a wire value, checking every node's type and the depth, and
 * stopping as soon as the size passes `maxBytes` (so a 60 KB or 5000-deep value costs little).
 * TAU values are dicts, so the top level must be one.
 */
export function measureValue (v: unknown, maxBytes = MAX_VALUE_BYTES, bytes: (x: unknown) => boolean = isBytes): Measured {
  if (!isPlainDict(v)) return { ok: false, reason: 'not_dict' }
  // A module-level walk over one reused state object: no closure is made per call (this runs on
  // every put and every get answer).
  const m = measuring
  m.total = 0; m.problem = null; m.maxBytes = maxBytes; m.bytes = bytes
  walkValue(m, v, 0)
  const total = m.total
  let problem = m.problem as ValueProblem | null
  m.bytes = isBytes // let go of the caller's predicate
  if (problem === null && total > maxBytes) problem = 'oversize'
  return problem === null ? { ok: true, bytes: total } : { ok: false, reason: problem }
}

interface Measuring { total: number, problem: ValueProblem | null, maxBytes: number, bytes: (x: unknown) => boolean }
const measuring: Measuring = { total: 0, problem: null, maxBytes: 0, bytes: isBytes }

function walkValue (m: Measuring, x: unknown, depth: number): void {
  if (m.problem !== null) return
  if (m.total > m.maxBytes) { m.problem = 'oversize'; return }
  if (typeof x === 'number') {
    if (!isSafeUint(x)) { m.problem = 'bad_type'; return }
    m.total += digits(x) + 2
  } else if (m.bytes(x)) {
    const n = (x as Uint8Array).length
    m.total += digits(n) + 1 + n
  } else if (Array.isArray(x)) {
    if (depth >= MAX_VALUE_DEPTH) { m.problem = 'too_deep'; return }
    m.total += 2
    for (const y of x) { walkValue(m, y, depth + 1); if (m.problem !== null) return }
  } else if (isPlainDict(x)) {
    if (depth >= MAX_VALUE_DEPTH) { m.problem = 'too_deep'; return }
    m.total += 2
    for (const key of Object.keys(x)) {
      const n = Buffer.byteLength(key)
      m.total += digits(n) + 1 + n
      walkValue(m, x[key], depth + 1)
      if (m.problem !== null) return
    }
  } else {
    m.problem = 'bad_type'
  }
}

export type Canonical = { ok: true, bytes: Uint8Array } | { ok: false, reason: ValueProblem }

/** Canonical bytes of a wire value (a dict of at most `maxBytes`), or why it is not one. */
export function canonicalOf (v: unknown, maxBytes = MAX_VALUE_BYTES): Canonical {
  const m = measureValue(v, maxBytes)
  if (!m.ok) return m
  try {
    // Buffers are Uint8Arrays and dict keys are re-sorted by bytes, so this is the canonical form.
    return { ok: true, bytes: encodeCanonical(v as BValue) }
  } catch {
    return { ok: false, reason: 'bad_type' } // unreachable after measureValue; never throw here
  }
}

/** Canonical bytes → the wire value bittorrent-dht sends (Buffers, plain objects). Throws CodecError. */
export function toWire (canonical: Uint8Array): Record<string, unknown> {
  const value = decodeCanonical(canonical, { maxBytes: MAX_VALUE_BYTES, maxDepth: MAX_VALUE_DEPTH })
  const conv = (x: BValue): unknown => {
    if (typeof x === 'number') return x
    if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength)
    if (Array.isArray(x)) return x.map(conv)
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(x)) out[key] = conv(x[key])
    return out
  }
  const out = conv(value)
  if (!isPlainDict(out)) throw new TypeError('a DHT value must be a dict')
  return out
}

/** BEP44 mutable target: SHA-256(k ‖ salt). */
export function mutableTarget (k: Uint8Array, salt: Uint8Array): Uint8Array {
  return sha256(k, salt)
}

const enc = new TextEncoder()

/**
 * BEP44 signature data: the bencoded dict {salt, seq, v} without its outer `d…e`, exactly what
 * bittorrent-dht rebuilds to verify (`4:salt<n>:<salt>3:seqi<seq>e1:v<v>`). We sign SHA-256 of it.
 */
export function signatureData (salt: Uint8Array, seq: number, canonicalValue: Uint8Array): Uint8Array {
  return Buffer.concat([signatureDataPrefix(salt), enc.encode(`${seq}e1:v`), canonicalValue])
}

/** The bytes before the seq digits: `4:salt<n>:<salt>3:seqi`. */
export function signatureDataPrefix (salt: Uint8Array): Uint8Array {
  return Buffer.concat([enc.encode(`4:salt${salt.length}:`), salt, enc.encode('3:seqi')])
}
