// The only bytes <-> object boundary. A schema names every key of a dict and the exact shape of
// its value; decoding checks canonical form (chain/bencode.ts) and then the schema, and encoding
// checks the schema before writing a byte, so BigInt, floats, missing or extra keys never slip
// through silently. Every failure is a CodecError whose code says which rule broke.
import { CodecError } from './errors.js'
import { MAX_BIGINT_BYTES, MAX_ITEM_BYTES, MAX_SAFE_INT } from './constants.js'
import { type BDict, type BValue, decodeCanonical, encodeCanonical } from './bencode.js'
import { bigToBytes, bytesToBig } from './hex.js'

export type Field =
  | { kind: 'int', min?: number, max?: number }
  | { kind: 'bytes', len?: number, max?: number }
  | { kind: 'big' }
  | { kind: 'ascii', max: number }
  | { kind: 'list', of: Field, max: number }
  | { kind: 'dict', fields: Record<string, Field>, optional?: readonly string[] }

export interface Schema {
  name: string
  fields: Record<string, Field>
  optional?: readonly string[]
  /** Largest encoding accepted, in bytes. Defaults to MAX_ITEM_BYTES. */
  maxBytes?: number
}

export const int = (min = 0, max = MAX_SAFE_INT): Field => ({ kind: 'int', min, max })
export const bytes = (len: number): Field => ({ kind: 'bytes', len })
export const bytesMax = (max: number): Field => ({ kind: 'bytes', max })
export const big: Field = { kind: 'big' }
export const ascii = (max: number): Field => ({ kind: 'ascii', max })
export const list = (of: Field, max: number): Field => ({ kind: 'list', of, max })
export const dict = (fields: Record<string, Field>, optional?: readonly string[]): Field =>
  ({ kind: 'dict', fields, optional })

function depthOf (f: Field): number {
  if (f.kind === 'list') return 1 + depthOf(f.of)
  if (f.kind === 'dict') return 1 + Math.max(0, ...Object.values(f.fields).map(depthOf))
  return 0
}

const depthCache = new WeakMap<Schema, number>()
function schemaDepth (s: Schema): number {
  let d = depthCache.get(s)
  if (d === undefined) {
    d = depthOf({ kind: 'dict', fields: s.fields })
    depthCache.set(s, d)
  }
  return d
}

// ---- decode ----------------------------------------------------------------------------------

export function decodeWith<T> (schema: Schema, input: Uint8Array): T {
  const maxBytes = schema.maxBytes ?? MAX_ITEM_BYTES
  const raw = decodeCanonical(input, { maxBytes, maxDepth: schemaDepth(schema) })
  return fromValue({ kind: 'dict', fields: schema.fields, optional: schema.optional }, raw, schema.name) as T
}

function fromValue (f: Field, v: BValue, path: string): unknown {
  switch (f.kind) {
    case 'int':
      if (typeof v !== 'number') throw wrongType(path, 'an integer', v)
      return checkInt(f, v, path)
    case 'bytes':
      return checkBytes(f, v, path)
    case 'big':
      if (!(v instanceof Uint8Array)) throw wrongType(path, 'a big-endian byte string', v)
      if (v.length > MAX_BIGINT_BYTES) throw new CodecError('CODEC_BAD_LENGTH', `${path} is over ${MAX_BIGINT_BYTES} bytes`)
      if (v.length > 0 && v[0] === 0) throw new CodecError('CODEC_NON_CANONICAL', `${path} has a leading zero byte`)
      return bytesToBig(v)
    case 'ascii': {
      if (!(v instanceof Uint8Array)) throw wrongType(path, 'an ASCII string', v)
      if (v.length > f.max) throw new CodecError('CODEC_BAD_LENGTH', `${path} is over ${f.max} characters`)
      for (const c of v) if (c < 0x20 || c > 0x7e) throw new CodecError('CODEC_BAD_ASCII', `${path} is not printable ASCII`)
      return Buffer.from(v).toString('latin1')
    }
    case 'list': {
      if (!Array.isArray(v)) throw wrongType(path, 'a list', v)
      if (v.length > f.max) throw new CodecError('CODEC_LIST_TOO_LONG', `${path} has ${v.length} entries, max ${f.max}`)
      return v.map((x, i) => fromValue(f.of, x, `${path}[${i}]`))
    }
    case 'dict': {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
        throw wrongType(path, 'a dict', v)
      }
      const d = v as BDict
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(d)) {
        if (!Object.hasOwn(f.fields, key)) throw new CodecError('CODEC_UNKNOWN_KEY', `${path} has unknown key "${key}"`)
      }
      for (const [key, ff] of Object.entries(f.fields)) {
        if (!(key in d)) {
          if (f.optional?.includes(key)) continue
          throw new CodecError('CODEC_MISSING_KEY', `${path} is missing key "${key}"`)
        }
        out[key] = fromValue(ff, d[key], `${path}.${key}`)
      }
      return out
    }
  }
}

/** The range check shared by decoding and encoding. */
function checkInt (f: { min?: number, max?: number }, v: number, path: string): number {
  if (v < (f.min ?? 0) || v > (f.max ?? MAX_SAFE_INT)) {
    throw new CodecError('CODEC_INT_RANGE', `${path} = ${v} is outside [${f.min ?? 0}, ${f.max ?? MAX_SAFE_INT}]`)
  }
  return v
}

/** The type and length check shared by decoding and encoding. */
function checkBytes (f: { len?: number, max?: number }, v: unknown, path: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw wrongType(path, 'a byte string', v)
  const n = v.length
  if (f.len !== undefined && n !== f.len) throw new CodecError('CODEC_BAD_LENGTH', `${path} must be ${f.len} bytes, got ${n}`)
  if (f.max !== undefined && n > f.max) throw new CodecError('CODEC_BAD_LENGTH', `${path} must be at most ${f.max} bytes, got ${n}`)
  return v
}

function wrongType (path: string, want: string, got: unknown): CodecError {
  const kind = got instanceof Uint8Array ? 'byte string' : Array.isArray(got) ? 'list' : typeof got === 'object' ? 'dict' : typeof got
  return new CodecError('CODEC_WRONG_TYPE', `${path} must be ${want}, got a ${kind}`)
}

// ---- encode ----------------------------------------------------------------------------------

/** Encodes `obj` under `schema`; keys listed in `omit` are left out (the signing pre-image). */
export function encodeWith (schema: Schema, obj: object, omit?: string): Uint8Array {
  const v = toValue({ kind: 'dict', fields: schema.fields, optional: schema.optional }, obj, schema.name, omit)
  const out = encodeCanonical(v)
  const maxBytes = schema.maxBytes ?? MAX_ITEM_BYTES
  if (out.length > maxBytes) {
    throw new CodecError('CODEC_TOO_LARGE', `${schema.name} encodes to ${out.length} bytes, over the ${maxBytes}-byte limit`)
  }
  return out
}

function toValue (f: Field, v: unknown, path: string, omit?: string): BValue {
  switch (f.kind) {
    case 'int':
      if (typeof v === 'bigint') throw new CodecError('CODEC_BIGINT', `${path} is a BigInt where an integer belongs`)
      if (typeof v !== 'number') throw wrongType(path, 'an integer', v)
      if (!Number.isInteger(v)) throw new CodecError('CODEC_NOT_INTEGER', `${path} = ${v} is not an integer`)
      return checkInt(f, v, path)
    case 'bytes':
      return checkBytes(f, v, path)
    case 'big': {
      if (typeof v !== 'bigint') throw wrongType(path, 'a bigint', v)
      if (v < 0n) throw new CodecError('CODEC_INT_RANGE', `${path} is negative`)
      const b = bigToBytes(v)
      if (b.length > MAX_BIGINT_BYTES) throw new CodecError('CODEC_BAD_LENGTH', `${path} is over ${MAX_BIGINT_BYTES} bytes`)
      return b
    }
    case 'ascii': {
      if (typeof v !== 'string') throw wrongType(path, 'a string', v)
      if (v.length > f.max || !/^[\x20-\x7e]*$/.test(v)) {
        throw new CodecError('CODEC_BAD_ASCII', `${path} must be at most ${f.max} printable ASCII characters`)
      }
      return new Uint8Array(Buffer.from(v, 'latin1'))
    }
    case 'list':
      if (!Array.isArray(v)) throw wrongType(path, 'a list', v)
      if (v.length > f.max) throw new CodecError('CODEC_LIST_TOO_LONG', `${path} has ${v.length} entries, max ${f.max}`)
      return v.map((x, i) => toValue(f.of, x, `${path}[${i}]`))
    case 'dict': {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw wrongType(path, 'a dict', v)
      const o = v as Record<string, unknown>
      for (const key of Object.keys(o)) {
        if (o[key] !== undefined && !Object.hasOwn(f.fields, key)) {
          throw new CodecError('CODEC_UNKNOWN_KEY', `${path} has unknown key "${key}"`)
        }
      }
      const out: BDict = {}
      for (const [key, ff] of Object.entries(f.fields)) {
        if (key === omit) continue
        if (o[key] === undefined) {
          if (f.optional?.includes(key)) continue
          throw new CodecError('CODEC_MISSING_KEY', `${path} is missing key "${key}"`)
        }
        out[key] = toValue(ff, o[key], `${path}.${key}`)
      }
      return out
    }
  }
}
