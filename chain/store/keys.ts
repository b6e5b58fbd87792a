// Every LevelDB key the store writes, in one place (EthereumJS `db/constants.ts` habit).
// One database, one-byte ASCII prefixes: a single `batch` can then touch every record kind at
// once (one atomic write per block or reorg), and a prefix scan is a plain [P, P+1) range.
//
// prefix  key                              value                                      present for
// ------  -------------------------------  -----------------------------------------  ---------------------------------
//  'M'    'M' + name (ASCII)               see META below                             always
//  'B'    'B' + block id (32)              canonical block bytes                      every validated block, main or side
//  'T'    'T' + tx id (32)                 canonical transaction bytes                every tx of a stored block (stored once)
//  'G'    'G' + message id (32)            canonical message bytes                    putMessage (off-chain messages, §9)
//  'H'    'H' + height (8, big-endian)     block id (32)                              main chain only, heights 0..tip
//  'A'    'A' + account key (32)           account record {b, n, p} (bencode)         the state after the main tip only
//  'U'    'U' + block id (32)              undo record: prior value or "absent" of    main-chain blocks above genesis
//                                          every account the block changed
//  'I'    'I' + block id (32)              block info {s status, r received unix s}   with every 'B' record
//  'S'    'S' + kind (1) + id (32)         raw fetched bytes, not yet validated       sync staging; bounded, removed on import
//  'L'    'L' + tx id (32) + block id (32) empty                                      every tx of every stored block (tx → blocks)
//  'X'    'X' + account (32) + height (8)  tx id (32)                                 every main-chain tx, under its sender and its
//         + position in block (2)                                                     receiver (account index, accountIndex.ts)
//
// META names ('M' + name):
//  'schema'   4-byte big-endian layout version (STORE_SCHEMA_VERSION)
//  'genesis'  canonical genesis encoding (its SHA-256 is the genesis hash; kept whole for clear errors)
//  'tip'      main tip block id (32)
//  'cp'       consensus point: block id (32) + height (8, big-endian)
//  'reindex'  present only while a reindex runs; seen at open, it means the reindex was interrupted
//  'accountIndex'  1-byte account index format, written once the 'X' index is complete; a store
//             without it is migrated at open (the index is built from the main chain)
//  'digest'   state digest of the 'A' records: version (1) + account count (8, BE) + 1024 u16 lanes (digest.ts)
//
// Why 'L' keys carry both ids and no value: a transaction can sit in a main block and in side
// blocks; one key per (tx, block) pair is written with the block and never rewritten, and a prefix
// scan of 'L' + tx id lists the blocks, of which the reader keeps the one on the main chain.
// Why big-endian heights: LevelDB orders keys bytewise, so 'H' keys iterate in height order.
// Why the main-chain flag is the 'H' index and not a bit in 'I': a reorg then changes one record
// per height instead of two, and the two can never disagree.
import { ChainError } from '../errors.js'

export const P_META = 0x4d // 'M'
export const P_BLOCK = 0x42 // 'B'
export const P_TX = 0x54 // 'T'
export const P_MESSAGE = 0x47 // 'G'
export const P_HEIGHT = 0x48 // 'H'
export const P_ACCOUNT = 0x41 // 'A'
export const P_UNDO = 0x55 // 'U'
export const P_INFO = 0x49 // 'I'
export const P_STAGED = 0x53 // 'S'
export const P_TXLOC = 0x4c // 'L'
export const P_ACCOUNT_TX = 0x58 // 'X'

export const PREFIX_NAMES: Record<number, string> = {
  [P_META]: 'meta', [P_BLOCK]: 'block', [P_TX]: 'tx', [P_MESSAGE]: 'message', [P_HEIGHT]: 'height',
  [P_ACCOUNT]: 'account', [P_UNDO]: 'undo', [P_INFO]: 'block info', [P_STAGED]: 'staged', [P_TXLOC]: 'tx location', [P_ACCOUNT_TX]: 'account tx'
}

export type MetaName = 'schema' | 'genesis' | 'tip' | 'cp' | 'reindex' | 'accountIndex' | 'digest'

/** Kinds of staged items, as the one byte after 'S'. */
export const STAGED_KINDS = { block: 1, tx: 2, message: 3 } as const
export type StagedKind = keyof typeof STAGED_KINDS

function withPrefix (prefix: number, body: Uint8Array): Uint8Array {
  const k = new Uint8Array(1 + body.length)
  k[0] = prefix
  k.set(body, 1)
  return k
}

export const metaKey = (name: MetaName): Uint8Array => withPrefix(P_META, new TextEncoder().encode(name))
export const blockKey = (id: Uint8Array): Uint8Array => withPrefix(P_BLOCK, id)
export const txKey = (id: Uint8Array): Uint8Array => withPrefix(P_TX, id)
export const txLocKey = (txId: Uint8Array, blockId: Uint8Array): Uint8Array => {
  const body = new Uint8Array(64)
  body.set(txId, 0)
  body.set(blockId, 32)
  return withPrefix(P_TXLOC, body)
}
/** [gte, lt) of every 'L' key of one transaction. */
export function txLocRange (txId: Uint8Array): { gte: Uint8Array, lt: Uint8Array } {
  const gte = withPrefix(P_TXLOC, txId)
  const lt = Uint8Array.from(gte)
  for (let i = lt.length - 1; i >= 0; i--) { if (lt[i] < 255) { lt[i]++; break } lt[i] = 0 }
  return { gte, lt }
}
export const messageKey = (id: Uint8Array): Uint8Array => withPrefix(P_MESSAGE, id)
export const accountKey = (key: Uint8Array): Uint8Array => withPrefix(P_ACCOUNT, key)
export const undoKey = (id: Uint8Array): Uint8Array => withPrefix(P_UNDO, id)
export const infoKey = (id: Uint8Array): Uint8Array => withPrefix(P_INFO, id)

export function heightKey (n: number): Uint8Array {
  const k = new Uint8Array(9)
  k[0] = P_HEIGHT
  new DataView(k.buffer).setBigUint64(1, BigInt(n))
  return k
}

export function heightOfKey (key: Uint8Array): number {
  return Number(new DataView(key.buffer, key.byteOffset, key.byteLength).getBigUint64(1))
}

export function stagedKey (kind: StagedKind, id: Uint8Array): Uint8Array {
  const code = STAGED_KINDS[kind]
  if (code === undefined) throw new ChainError('STORE_BAD_STAGED_KIND', `unknown staged kind "${String(kind)}"`)
  const k = new Uint8Array(2 + id.length)
  k[0] = P_STAGED
  k[1] = code
  k.set(id, 2)
  return k
}

/** [gte, lt) bounds of every key with this prefix. */
export function prefixRange (prefix: number): { gte: Uint8Array, lt: Uint8Array } {
  return { gte: Uint8Array.of(prefix), lt: Uint8Array.of(prefix + 1) }
}

/** The key without its prefix byte (a block id, tx id, account key, ...). */
export const keyBody = (key: Uint8Array): Uint8Array => key.subarray(1)

/** A readable name for a key, for corruption reports. */
export function describeKey (key: Uint8Array): string {
  const name = PREFIX_NAMES[key[0]] ?? `unknown prefix 0x${key[0]?.toString(16) ?? ''}`
  if (key[0] === P_META) return `meta '${new TextDecoder().decode(key.subarray(1))}'`
  if (key[0] === P_HEIGHT && key.length === 9) return `height ${heightOfKey(key)}`
  return `${name} ${Buffer.from(key.subarray(1)).toString('hex')}`
}
