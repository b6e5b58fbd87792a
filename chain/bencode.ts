// Canonical bencode: a strict decoder and an encoder, with no schema knowledge.
// The `bencode` package is lenient when decoding (trailing bytes, unsorted keys, leading zeros,
// short strings, __proto__ keys all pass), so consensus bytes never go through it; it serves as a
// test oracle for the encoder instead. Every failure here is a CodecError with a stable code.
import { CodecError } from './errors.js'
import { MAX_SAFE_INT } from './constants.js'

export type BValue = number | Uint8Array | BValue[] | BDict
export interface BDict { [key: string]: BValue }

const C_I = 0x69; const C_L = 0x6c; const C_D = 0x64; const C_E = 0x65; const C_COLON = 0x3a
const C_0 = 0x30; const C_9 = 0x39; const C_MINUS = 0x2d
const MAX_INT_DIGITS = 16 // 2^53 − 1 has 16 digits
const utf8 = new TextDecoder('utf-8', { fatal: true })
const utf8Enc = new TextEncoder()

export interface DecodeLimits { maxBytes: number; maxDepth: number }

/** Decodes exactly one canonical value spanning all of `bytes`. */
export function decodeCanonical (bytes: Uint8Array, limits: DecodeLimits): BValue {
  if (!(bytes instanceof Uint8Array)) throw new CodecError('CODEC_NOT_BYTES', 'input is not a byte array')
  if (bytes.length > limits.maxBytes) {
    throw new CodecError('CODEC_TOO_LARGE', `${bytes.length} bytes exceeds the ${limits.maxBytes}-byte limit`)
  }
  if (bytes.length === 0) throw new CodecError('CODEC_TRUNCATED', 'empty input')
  const r = new Reader(bytes, limits.maxDepth)
  const v = r.value(0)
  if (r.pos !== bytes.length) {
    throw new CodecError('CODEC_TRAILING_BYTES', `${bytes.length - r.pos} bytes after the value`)
  }
  return v
}

class Reader {
  pos = 0
  constructor (readonly b: Uint8Array, readonly maxDepth: number) {}

  value (depth: number): BValue {
    if (this.pos >= this.b.length) throw new CodecError('CODEC_TRUNCATED', 'input ends inside a value')
    const c = this.b[this.pos]
    if (c === C_I) return this.int()
    if (c >= C_0 && c <= C_9) return this.str()
    if (c === C_L || c === C_D) {
      if (depth >= this.maxDepth) throw new CodecError('CODEC_TOO_DEEP', `nesting deeper than ${this.maxDepth}`)
      return c === C_L ? this.list(depth + 1) : this.dict(depth + 1)
    }
    throw new CodecError('CODEC_BAD_TOKEN', `unexpected byte 0x${c.toString(16)} at ${this.pos}`)
  }

  int (): number {
    this.pos++ // 'i'
    const start = this.pos
    if (this.b[this.pos] === C_MINUS) throw new CodecError('CODEC_INT_RANGE', 'negative integer')
    while (this.pos < this.b.length && this.b[this.pos] !== C_E) {
      const c = this.b[this.pos]
      if (c < C_0 || c > C_9) throw new CodecError('CODEC_NOT_INTEGER', `non-digit in integer at ${this.pos}`)
      if (this.pos - start >= MAX_INT_DIGITS) throw new CodecError('CODEC_INT_RANGE', 'integer above 2^53 − 1')
      this.pos++
    }
    if (this.pos >= this.b.length) throw new CodecError('CODEC_TRUNCATED', 'input ends inside an integer')
    const len = this.pos - start
    if (len === 0) throw new CodecError('CODEC_NOT_INTEGER', 'empty integer')
    if (len > 1 && this.b[start] === C_0) throw new CodecError('CODEC_NON_CANONICAL', 'integer with a leading zero')
    const n = Number(latin1(this.b, start, this.pos))
    this.pos++ // 'e'
    if (n > MAX_SAFE_INT) throw new CodecError('CODEC_INT_RANGE', 'integer above 2^53 − 1')
    return n
  }

  strLen (): number {
    const start = this.pos
    while (this.pos < this.b.length && this.b[this.pos] !== C_COLON) {
      const c = this.b[this.pos]
      if (c < C_0 || c > C_9) throw new CodecError('CODEC_BAD_TOKEN', `non-digit in string length at ${this.pos}`)
      if (this.pos - start >= 8) throw new CodecError('CODEC_TRUNCATED', 'string length beyond the input')
      this.pos++
    }
    if (this.pos >= this.b.length) throw new CodecError('CODEC_TRUNCATED', 'input ends inside a string length')
    if (this.pos - start > 1 && this.b[start] === C_0) {
      throw new CodecError('CODEC_NON_CANONICAL', 'string length with a leading zero')
    }
    const len = Number(latin1(this.b, start, this.pos))
    this.pos++ // ':'
    if (this.pos + len > this.b.length) {
      throw new CodecError('CODEC_TRUNCATED', `string of ${len} bytes runs past the input`)
    }
    return len
  }

  str (): Uint8Array {
    const len = this.strLen()
    const out = this.b.slice(this.pos, this.pos + len)
    this.pos += len
    return out
  }

  list (depth: number): BValue[] {
    this.pos++ // 'l'
    const out: BValue[] = []
    for (;;) {
      if (this.pos >= this.b.length) throw new CodecError('CODEC_TRUNCATED', 'input ends inside a list')
      if (this.b[this.pos] === C_E) { this.pos++; return out }
      out.push(this.value(depth))
    }
  }

  dict (depth: number): BDict {
    this.pos++ // 'd'
    // A null-prototype object: a "__proto__" key is just a key, never a prototype swap.
    const out: BDict = Object.create(null)
    let prev: Uint8Array | null = null
    for (;;) {
      if (this.pos >= this.b.length) throw new CodecError('CODEC_TRUNCATED', 'input ends inside a dict')
      if (this.b[this.pos] === C_E) { this.pos++; return out }
      const c = this.b[this.pos]
      if (c < C_0 || c > C_9) throw new CodecError('CODEC_BAD_KEY', `dict key is not a string at ${this.pos}`)
      const key = this.str()
      if (prev !== null) {
        const cmp = Buffer.compare(prev, key)
        if (cmp === 0) throw new CodecError('CODEC_DUPLICATE_KEY', 'duplicate dict key')
        if (cmp > 0) throw new CodecError('CODEC_NON_CANONICAL', 'dict keys not sorted')
      }
      prev = key
      let name: string
      try {
        name = utf8.decode(key)
      } catch {
        throw new CodecError('CODEC_BAD_KEY', 'dict key is not UTF-8')
      }
      out[name] = this.value(depth)
    }
  }
}

function latin1 (b: Uint8Array, start: number, end: number): string {
  let s = ''
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i])
  return s
}

// ---- encoder ---------------------------------------------------------------------------------

/** Encodes a value canonically. Callers validate against a schema first; this only checks types. */
export function encodeCanonical (v: BValue): Uint8Array {
  out.pos = 0
  try {
    write(v)
    return out.buf.slice(0, out.pos)
  } finally {
    // One huge value (a routing table, a test's oversize item) must not pin its buffer for good.
    if (out.buf.length > SCRATCH_KEEP_BYTES) out.buf = new Uint8Array(SCRATCH_START_BYTES)
  }
}

/**
 * One growing scratch buffer for every encode (encoding is synchronous and not re-entrant): the
 * canonical encoding runs for every id and signing hash, and building it from many small arrays
 * joined at the end (the first version) cost more than hashing the result.
 */
const SCRATCH_START_BYTES = 4096
const SCRATCH_KEEP_BYTES = 65_536
const out = { buf: new Uint8Array(SCRATCH_START_BYTES), pos: 0 }

function reserve (n: number): void {
  if (out.pos + n <= out.buf.length) return
  const next = new Uint8Array(Math.max(out.buf.length * 2, out.pos + n))
  next.set(out.buf.subarray(0, out.pos))
  out.buf = next
}

function byte (c: number): void {
  reserve(1)
  out.buf[out.pos++] = c
}

/** ASCII digits of a safe non-negative integer (String() never uses exponent form below 2^53). */
function digits (n: number): void {
  const s = String(n)
  reserve(s.length)
  for (let i = 0; i < s.length; i++) out.buf[out.pos++] = s.charCodeAt(i)
}

function byteString (b: Uint8Array): void {
  digits(b.length)
  reserve(b.length + 1)
  out.buf[out.pos++] = C_COLON
  out.buf.set(b, out.pos)
  out.pos += b.length
}

/** UTF-8 bytes of dict keys; schemas use a handful of one-letter keys, so a small cache serves them all. */
const keyBytes = new Map<string, Uint8Array>()
const KEY_CACHE_MAX = 256
const KEY_CACHE_MAX_LENGTH = 32

function keyBytesOf (k: string): Uint8Array {
  let b = keyBytes.get(k)
  if (b === undefined) {
    b = utf8Enc.encode(k)
    if (keyBytes.size < KEY_CACHE_MAX && k.length <= KEY_CACHE_MAX_LENGTH) keyBytes.set(k, b)
  }
  return b
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

/** Keys in the order of their UTF-8 bytes (canonical bencode sorts raw byte strings). */
function sortedKeys (d: BDict): Array<{ k: string, b: Uint8Array }> {
  const keys = Object.keys(d).map(k => ({ k, b: keyBytesOf(k) }))
  for (let i = 1; i < keys.length; i++) {
    if (compareBytes(keys[i - 1].b, keys[i].b) > 0) return keys.sort((x, y) => compareBytes(x.b, y.b))
  }
  return keys
}

function write (v: BValue): void {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError('CODEC_INT_RANGE', `cannot encode ${v}`)
    byte(C_I); digits(v); byte(C_E)
  } else if (v instanceof Uint8Array) {
    byteString(v)
  } else if (Array.isArray(v)) {
    byte(C_L)
    for (const x of v) write(x)
    byte(C_E)
  } else if (typeof v === 'object' && v !== null) {
    byte(C_D)
    for (const { k, b } of sortedKeys(v)) {
      byteString(b)
      write(v[k])
    }
    byte(C_E)
  } else {
    throw new CodecError('CODEC_WRONG_TYPE', `cannot encode a ${typeof v}`)
  }
}
