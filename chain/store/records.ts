// Value formats of the store's own records (see keys.ts for where each lives). Every decoder is
// strict, so a truncated or garbled value fails here and the store reports it as STORE_CORRUPT.
import { ChainError } from '../errors.js'
import { type Schema, bytes, decodeWith, dict, encodeWith, int, list } from '../codec.js'
import { HASH_BYTES, KEY_BYTES, MAX_TXS_PER_BLOCK } from '../constants.js'
import type { UndoRecord } from '../state/undo.js'
import { MAX_UNDO_RECORD_BYTES, STORE_SCHEMA_VERSION } from './constants.js'

/** Repair advice every corruption error carries. */
export const REPAIR_HINT = 'repair it with `tau-node start --reindex` (openStore(dir, genesis, { reindex: true }) in chain/store/open.ts), ' +
  'or delete the data directory to resync from the network'

export function storeCorrupt (what: string, data?: Record<string, unknown>): ChainError {
  return new ChainError('STORE_CORRUPT', `${what}; ${REPAIR_HINT}`, data)
}

// ---- fixed-size raw values ---------------------------------------------------------------------

export function encodeU32 (n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

export function decodeU32 (b: Uint8Array): number {
  if (b.length !== 4) throw new Error(`expected 4 bytes, got ${b.length}`)
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0)
}

/** A 32-byte id record (height index entries, the tip). */
export function decodeId (b: Uint8Array): Uint8Array {
  if (b.length !== HASH_BYTES) throw new Error(`expected a ${HASH_BYTES}-byte id, got ${b.length} bytes`)
  return new Uint8Array(b)
}

export interface ConsensusPoint { id: Uint8Array, n: number }

export function encodeConsensusPoint (cp: ConsensusPoint): Uint8Array {
  const b = new Uint8Array(HASH_BYTES + 8)
  b.set(cp.id, 0)
  new DataView(b.buffer).setBigUint64(HASH_BYTES, BigInt(cp.n))
  return b
}

export function decodeConsensusPoint (b: Uint8Array): ConsensusPoint {
  if (b.length !== HASH_BYTES + 8) throw new Error(`expected ${HASH_BYTES + 8} bytes, got ${b.length}`)
  const n = Number(new DataView(b.buffer, b.byteOffset, b.length).getBigUint64(HASH_BYTES))
  if (!Number.isSafeInteger(n)) throw new Error('height out of range')
  return { id: new Uint8Array(b.subarray(0, HASH_BYTES)), n }
}

export const SCHEMA_VERSION_BYTES = encodeU32(STORE_SCHEMA_VERSION)

// ---- block info --------------------------------------------------------------------------------

/** The only status a stored block has: it passed every §5 check on its own branch. Invalid blocks
 *  are never stored (the chain keeps their ids in a bounded memory set), so garbage costs no disk. */
export const BLOCK_STATUS_VALID = 1

export interface BlockInfo {
  status: number
  /** Unix seconds when this node stored the block (for pruning old side branches later). */
  receivedAt: number
}

const INFO_SCHEMA: Schema = { name: 'blockInfo', fields: { s: int(BLOCK_STATUS_VALID, BLOCK_STATUS_VALID), r: int() } }

export const encodeBlockInfo = (i: BlockInfo): Uint8Array => encodeWith(INFO_SCHEMA, { s: i.status, r: i.receivedAt })

export function decodeBlockInfo (b: Uint8Array): BlockInfo {
  const d = decodeWith<{ s: number, r: number }>(INFO_SCHEMA, b)
  return { status: d.s, receivedAt: d.r }
}

// ---- undo records ------------------------------------------------------------------------------

/** A block changes at most two accounts per transaction plus the miner. */
export const MAX_UNDO_ENTRIES = 2 * MAX_TXS_PER_BLOCK + 1

const ACCOUNT_FIELD = dict({ b: int(), n: int(), p: int() })
const UNDO_SCHEMA: Schema = {
  name: 'undo',
  maxBytes: MAX_UNDO_RECORD_BYTES,
  fields: { e: list(dict({ k: bytes(KEY_BYTES), a: ACCOUNT_FIELD }, ['a']), MAX_UNDO_ENTRIES) }
}

interface RawEntry { k: Uint8Array, a?: { b: number, n: number, p: number } }

/** An entry without `a` means the account did not exist before the block. */
export function encodeUndo (u: UndoRecord): Uint8Array {
  const e: RawEntry[] = u.map(x => x.prior === undefined
    ? { k: x.key }
    : { k: x.key, a: { b: x.prior.balance, n: x.prior.nonce, p: x.prior.power } })
  return encodeWith(UNDO_SCHEMA, { e })
}

export function decodeUndo (b: Uint8Array): UndoRecord {
  const d = decodeWith<{ e: RawEntry[] }>(UNDO_SCHEMA, b)
  return d.e.map(x => ({
    key: x.k,
    prior: x.a === undefined ? undefined : { balance: x.a.b, nonce: x.a.n, power: x.a.p }
  }))
}
