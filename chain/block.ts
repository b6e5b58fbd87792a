// Blocks (PROTOCOL §3): schema, construction, signing, id, signature check.
import { type Schema, big, bytes, int, list } from './codec.js'
import { CHAIN_ID_BYTES, HASH_BYTES, KEY_BYTES, MAX_TXS_PER_BLOCK, SIG_BYTES } from './constants.js'
import { decodeFrozen, encodedOf, freezeDeep, idOf, signObject, verifyObject } from './signed.js'

export interface Block {
  v: number
  c: Uint8Array
  n: number
  p: Uint8Array
  t: number
  b: bigint
  d: bigint
  g: Uint8Array
  m: Uint8Array
  i: Uint8Array
  x: Uint8Array[]
  s: Uint8Array
}

export type UnsignedBlock = Omit<Block, 's'>

export const BLOCK_SCHEMA: Schema = {
  name: 'block',
  fields: {
    v: int(),
    c: bytes(CHAIN_ID_BYTES),
    n: int(),
    p: bytes(HASH_BYTES),
    t: int(),
    b: big,
    d: big,
    g: bytes(HASH_BYTES),
    m: bytes(KEY_BYTES),
    i: bytes(HASH_BYTES),
    x: list(bytes(HASH_BYTES), MAX_TXS_PER_BLOCK),
    s: bytes(SIG_BYTES)
  }
}

export const decodeBlock = (input: Uint8Array): Block => decodeFrozen<Block>(BLOCK_SCHEMA, input)
export const encodeBlock = (b: Block): Uint8Array => encodedOf(BLOCK_SCHEMA, b)
export const blockId = (b: Block): Uint8Array => idOf(BLOCK_SCHEMA, b)

export function signBlock (unsigned: UnsignedBlock, secretKey: Uint8Array): Block {
  return signObject<Block>(BLOCK_SCHEMA, unsigned, secretKey)
}

/** A block with a given signature, unchecked (genesis carries 64 zero bytes). */
export function blockWithSignature (unsigned: UnsignedBlock, s: Uint8Array): Block {
  return freezeDeep({ ...unsigned, s })
}

export const verifyBlockSignature = (b: Block): boolean => verifyObject(BLOCK_SCHEMA, b, b.m)
