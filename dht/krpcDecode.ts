// The KRPC datagram decoder: one pass over each incoming UDP packet, straight to the shapes the
// DHT library expects (byte strings as Buffers that view the packet, dicts as plain objects with
// string keys, integers as numbers). It replaces bencode 2 in k-rpc-socket and the second decode
// the reply guard made of every reply. It is lenient where the library's decoder was (unsorted
// or repeated keys, leading zeros: values are re-encoded canonically before anything trusts them,
// wire.ts) and strict where leniency could hurt: bounded size and depth, no `__proto__` key, no
// trailing bytes, no integer past 2^53. It never throws: a bad packet gives a coded reason.
import { KRPC_MAX_DATAGRAM_BYTES, KRPC_MAX_DEPTH, KRPC_MAX_INT_DIGITS } from './constants.js'

export type KrpcValue = number | Buffer | KrpcValue[] | KrpcDict
export interface KrpcDict { [key: string]: KrpcValue }

/** Why a datagram was not decoded (counted per reason in the engine's `dropped` stats). */
export type DecodeProblem =
  | 'krpc_oversize' | 'krpc_truncated' | 'krpc_bad_token' | 'krpc_bad_int' | 'krpc_bad_length'
  | 'krpc_too_deep' | 'krpc_bad_key' | 'krpc_trailing' | 'krpc_not_dict'

export type Decoded = { ok: true, msg: KrpcDict } | { ok: false, reason: DecodeProblem }

const C_I = 0x69; const C_L = 0x6c; const C_D = 0x64; const C_E = 0x65; const C_COLON = 0x3a
const C_0 = 0x30; const C_9 = 0x39; const C_MINUS = 0x2d

/** Thrown inside the decoder only, caught at its one entry point. */
class Bad {
  constructor (readonly reason: DecodeProblem) {}
}

// A packet is decoded by one Reader at a time (decoding is synchronous), so one is reused.
class Reader {
  b: Buffer = Buffer.alloc(0)
  pos = 0

  value (depth: number): KrpcValue {
    const b = this.b
    if (this.pos >= b.length) throw new Bad('krpc_truncated')
    const c = b[this.pos]
    if (c >= C_0 && c <= C_9) return this.bytes()
    if (c === C_I) return this.int()
    if (c === C_D) return this.dict(depth + 1)
    if (c === C_L) return this.list(depth + 1)
    throw new Bad('krpc_bad_token')
  }

  /** `<len>:<bytes>` → the start of the bytes; pos moves past them. */
  private span (): number {
    const b = this.b
    let n = 0
    let digits = 0
    let c = b[this.pos]
    while (c >= C_0 && c <= C_9) {
      n = n * 10 + (c - C_0)
      if (++digits > KRPC_MAX_INT_DIGITS) throw new Bad('krpc_bad_length')
      c = b[++this.pos]
    }
    if (c !== C_COLON) throw new Bad(this.pos >= b.length ? 'krpc_truncated' : 'krpc_bad_length')
    const start = ++this.pos
    if (start + n > b.length) throw new Bad('krpc_truncated')
    this.pos = start + n
    return start
  }

  private bytes (): Buffer {
    const start = this.span()
    return this.b.subarray(start, this.pos)
  }

  /** Dict keys: short ASCII names on this wire; other bytes are read as UTF-8, as bencode 2 did. */
  private key (): string {
    const b = this.b
    const c = b[this.pos]
    if (c === undefined || c < C_0 || c > C_9) throw new Bad(this.pos >= b.length ? 'krpc_truncated' : 'krpc_bad_key')
    const start = this.span()
    const end = this.pos
    let ascii = true
    for (let i = start; i < end; i++) if (b[i] > 0x7f) { ascii = false; break }
    const k = b.toString(ascii ? 'latin1' : 'utf8', start, end)
    if (k === '__proto__') throw new Bad('krpc_bad_key') // would replace the object's prototype
    return k
  }

  private int (): number {
    const b = this.b
    this.pos++ // 'i'
    let neg = false
    if (b[this.pos] === C_MINUS) { neg = true; this.pos++ }
    let n = 0
    let digits = 0
    let c = b[this.pos]
    while (c >= C_0 && c <= C_9) {
      n = n * 10 + (c - C_0)
      if (++digits > KRPC_MAX_INT_DIGITS) throw new Bad('krpc_bad_int')
      c = b[++this.pos]
    }
    if (c !== C_E || digits === 0) throw new Bad(this.pos >= b.length ? 'krpc_truncated' : 'krpc_bad_int')
    this.pos++
    return neg ? -n : n
  }

  private list (depth: number): KrpcValue[] {
    if (depth > KRPC_MAX_DEPTH) throw new Bad('krpc_too_deep')
    this.pos++ // 'l'
    const out: KrpcValue[] = []
    while (true) {
      if (this.pos >= this.b.length) throw new Bad('krpc_truncated')
      if (this.b[this.pos] === C_E) { this.pos++; return out }
      out.push(this.value(depth))
    }
  }

  dict (depth: number): KrpcDict {
    if (depth > KRPC_MAX_DEPTH) throw new Bad('krpc_too_deep')
    this.pos++ // 'd'
    const out: KrpcDict = {}
    while (true) {
      if (this.pos >= this.b.length) throw new Bad('krpc_truncated')
      if (this.b[this.pos] === C_E) { this.pos++; return out }
      const k = this.key()
      out[k] = this.value(depth)
    }
  }
}

const reader = new Reader()
const EMPTY = Buffer.alloc(0)

/** Decodes one KRPC datagram: a single dict spanning the whole packet. Never throws. */
export function decodeKrpc (buf: Buffer): Decoded {
  if (buf.length > KRPC_MAX_DATAGRAM_BYTES) return { ok: false, reason: 'krpc_oversize' }
  if (buf.length === 0) return { ok: false, reason: 'krpc_truncated' }
  if (buf[0] !== C_D) return { ok: false, reason: 'krpc_not_dict' }
  reader.b = buf
  reader.pos = 0
  try {
    const msg = reader.dict(0)
    if (reader.pos !== buf.length) return { ok: false, reason: 'krpc_trailing' }
    return { ok: true, msg }
  } catch (e) {
    if (e instanceof Bad) return { ok: false, reason: e.reason }
    return { ok: false, reason: 'krpc_bad_token' } // not reached: the reader throws only Bad
  } finally {
    reader.b = EMPTY // the packet is not kept alive by the reader
  }
}
