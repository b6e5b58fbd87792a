// Hex and byte helpers shared by every layer. Hex is always lowercase on output.
import { ChainError } from './errors.js'

const HEX_RE = /^[0-9a-f]*$/i

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Parses hex; with `len`, the decoded byte length must match exactly. */
export function fromHex (hex: string, len?: number, what = 'value'): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !HEX_RE.test(hex)) {
    throw new ChainError('BAD_HEX', `${what} must be an even-length hex string`)
  }
  if (len !== undefined && hex.length !== len * 2) {
    throw new ChainError('BAD_LENGTH', `${what} must be ${len} bytes (${len * 2} hex chars)`)
  }
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lexicographic byte order, as bencode sorts dict keys and ties are broken by id. */
export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b)
}

export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

/** Big-endian unsigned bytes without leading zero bytes; zero is the empty string (PROTOCOL §1). */
export function bigToBytes (n: bigint): Uint8Array {
  if (n < 0n) throw new ChainError('BAD_BIGINT', 'negative big integer')
  if (n === 0n) return new Uint8Array(0)
  let hex = n.toString(16)
  if (hex.length % 2) hex = '0' + hex
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

export function bytesToBig (b: Uint8Array): bigint {
  if (b.length === 0) return 0n
  return BigInt('0x' + toHex(b))
}

export const ZERO32 = new Uint8Array(32)
export const ZERO64 = new Uint8Array(64)
