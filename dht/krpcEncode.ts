// The KRPC datagram encoder: the messages the DHT library builds (plain objects, Buffers,
// Uint8Arrays, strings, integers) into one Buffer, sized in a first pass and written in a second,
// so a datagram costs one allocation (bencode 2 concatenated a Buffer per item). Dict keys are
// sorted, so what it writes is canonical bencode whenever the values are. As bencode 2 did for
// the library, a dict entry that is null or undefined is left out and a boolean is 0 or 1.
// Anything else (a fraction, a function, a value nested past KRPC_MAX_DEPTH) is a KrpcEncodeError:
// the caller counts it and sends nothing.
import { KRPC_INSERTION_SORT_MAX_KEYS, KRPC_MAX_DEPTH } from './constants.js'

export class KrpcEncodeError extends Error {
  readonly code = 'DHT_KRPC_ENCODE'
}

/**
 * Bytes that already are one bencoded value, written as they are: a stored object's canonical
 * encoding in a `get` answer (handler.ts), which was decoded into a wire value only to be encoded
 * again here. The caller vouches for the bytes; the receiver checks them as any answer.
 */
export class Bencoded {
  constructor (readonly bytes: Uint8Array) {}
}

const C_I = 0x69; const C_L = 0x6c; const C_D = 0x64; const C_E = 0x65; const C_COLON = 0x3a

/**
 * A dict's keys in bencode order, without those whose value is null or undefined. An insertion
 * sort for the 2–8 keys of a KRPC dict, often already in order, where Array.prototype.sort's set-up
 * cost was most of this function's time; a larger dict (a peer's stored value can hold ~150 keys)
 * goes to `.sort()`, so no dict costs quadratic time. Same order either way (UTF-16 code units:
 * bytes for ASCII keys).
 */
function sortedKeys (d: Record<string, unknown>): string[] {
  const keys = Object.keys(d)
  let n = 0
  for (const k of keys) if (d[k] !== undefined && d[k] !== null) keys[n++] = k
  keys.length = n
  if (n > KRPC_INSERTION_SORT_MAX_KEYS) return keys.sort()
  for (let i = 1; i < n; i++) {
    const k = keys[i]
    let at = i
    while (at > 0 && keys[at - 1] > k) { keys[at] = keys[at - 1]; at-- }
    keys[at] = k
  }
  return keys
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

const strBytes = (s: string): number => isAscii(s) ? s.length : Buffer.byteLength(s)
const decimalLength = (n: number): number => n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : String(n).length

function intOf (x: number | boolean): number {
  const n = typeof x === 'boolean' ? (x ? 1 : 0) : x
  if (!Number.isSafeInteger(n)) throw new KrpcEncodeError(`not an integer: ${n}`)
  return n
}

/** Encoded size of `x`. Each dict met is sorted once here, its entries kept in visiting order:
 *  the writer visits the dicts in the same order and takes them back one by one. */
function size (x: unknown, depth: number, sorted: string[][]): number {
  if (x instanceof Uint8Array) return decimalLength(x.length) + 1 + x.length
  if (x instanceof Bencoded) return x.bytes.length
  if (typeof x === 'string') { const n = strBytes(x); return decimalLength(n) + 1 + n }
  if (typeof x === 'number' || typeof x === 'boolean') return String(intOf(x)).length + 2
  if (depth >= KRPC_MAX_DEPTH) throw new KrpcEncodeError('nested too deep')
  if (Array.isArray(x)) {
    let n = 2
    for (const y of x) n += size(y, depth + 1, sorted)
    return n
  }
  if (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x)) {
    const d = x as Record<string, unknown>
    const keys = sortedKeys(d)
    sorted.push(keys)
    let n = 2
    for (const k of keys) {
      const kb = strBytes(k)
      n += decimalLength(kb) + 1 + kb + size(d[k], depth + 1, sorted)
    }
    return n
  }
  throw new KrpcEncodeError(`cannot encode a ${typeof x}`)
}

class Writer {
  pos = 0
  private dicts = 0
  constructor (readonly b: Buffer, readonly sorted: string[][]) {}

  ascii (s: string): void {
    for (let i = 0; i < s.length; i++) this.b[this.pos++] = s.charCodeAt(i)
  }

  str (s: string): void {
    if (isAscii(s)) {
      this.ascii(String(s.length)); this.b[this.pos++] = C_COLON; this.ascii(s)
      return
    }
    const n = Buffer.byteLength(s)
    this.ascii(String(n)); this.b[this.pos++] = C_COLON
    this.pos += this.b.write(s, this.pos, 'utf8')
  }

  value (x: unknown): void {
    if (x instanceof Uint8Array) {
      this.ascii(String(x.length)); this.b[this.pos++] = C_COLON
      this.b.set(x, this.pos); this.pos += x.length
    } else if (x instanceof Bencoded) {
      this.b.set(x.bytes, this.pos); this.pos += x.bytes.length
    } else if (typeof x === 'string') {
      this.str(x)
    } else if (typeof x === 'number' || typeof x === 'boolean') {
      this.b[this.pos++] = C_I; this.ascii(String(intOf(x))); this.b[this.pos++] = C_E
    } else if (Array.isArray(x)) {
      this.b[this.pos++] = C_L
      for (const y of x) this.value(y)
      this.b[this.pos++] = C_E
    } else {
      this.b[this.pos++] = C_D
      const d = x as Record<string, unknown>
      for (const k of this.sorted[this.dicts++] ?? []) { this.str(k); this.value(d[k]) }
      this.b[this.pos++] = C_E
    }
  }
}

/** One KRPC message (a dict) → its bencoded bytes. Throws KrpcEncodeError for what cannot go on the wire. */
export function encodeKrpc (msg: Record<string, unknown>): Buffer {
  const sorted: string[][] = []
  const n = size(msg, 0, sorted)
  const w = new Writer(Buffer.allocUnsafe(n), sorted)
  w.value(msg)
  if (w.pos !== n) throw new KrpcEncodeError(`encoded ${w.pos} bytes, sized ${n}`) // a value changed meanwhile
  return w.b
}
