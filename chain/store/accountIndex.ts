// The account index ('X' keys): every main-chain transaction listed under its sender and its
// receiver, ordered by chain position, so an account's history is one reverse range read of
// `limit` keys whatever its age (Esplora's address index, without the UTXO part).
//
// key   'X' + account key (32) + height (8, big-endian) + position in the block (2, big-endian)
// value transaction id (32)
//
// The index follows the main chain only: a block that joins it adds its keys, a block that
// leaves it (reorg) deletes them, in the same LevelDB batch as the height index, so the two
// never disagree. Deletes are emitted before puts, because a reorg may put the same key back
// (a transaction mined again at the same height and position) and a batch applies in order.
import { type Block, blockId } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import type { Transaction } from '../tx.js'
import { ACCOUNT_INDEX_MIGRATE_BATCH_BLOCKS } from './constants.js'
import { P_ACCOUNT_TX, metaKey, prefixRange } from './keys.js'
import { storeCorrupt } from './records.js'
import type { Db } from './db.js'
import type { Op, StoreWrite } from './write.js'

/** Format of the 'X' records; kept in the 'accountIndex' meta record once the index is complete. */
export const ACCOUNT_INDEX_VERSION = 1
export const ACCOUNT_INDEX_MARK = Uint8Array.of(ACCOUNT_INDEX_VERSION)

const KEY_BYTES = 1 + 32 + 8 + 2

export function accountTxKey (account: Uint8Array, n: number, pos: number): Uint8Array {
  const k = new Uint8Array(KEY_BYTES)
  k[0] = P_ACCOUNT_TX
  k.set(account, 1)
  const v = new DataView(k.buffer)
  v.setBigUint64(33, BigInt(n))
  v.setUint16(41, pos)
  return k
}

/** Height and position of an 'X' key. */
export function positionOfKey (key: Uint8Array): { n: number, pos: number } {
  const v = new DataView(key.buffer, key.byteOffset, key.byteLength)
  return { n: Number(v.getBigUint64(33)), pos: v.getUint16(41) }
}

/** [gte, lt) of one account's keys strictly below (n, pos); undefined bounds mean the whole account. */
export function accountTxRange (account: Uint8Array, before?: { n: number, pos: number }): { gte: Uint8Array, lt: Uint8Array } {
  const gte = accountTxKey(account, 0, 0)
  if (before !== undefined) return { gte, lt: accountTxKey(account, before.n, before.pos) }
  const lt = new Uint8Array(33)
  lt[0] = P_ACCOUNT_TX
  lt.set(account, 1)
  // The account's 33-byte prefix plus one, so every key of the account sorts below it.
  for (let i = 32; i >= 0; i--) { if (lt[i] < 255) { lt[i]++; break } lt[i] = 0 }
  return { gte, lt }
}

/** The 'X' keys of one main-chain block's transactions (sender = receiver gives one key). */
export function blockIndexKeys (block: Block, txs: readonly Transaction[]): Array<{ key: Uint8Array, txId: Uint8Array }> {
  const out: Array<{ key: Uint8Array, txId: Uint8Array }> = []
  txs.forEach((tx, i) => {
    out.push({ key: accountTxKey(tx.f, block.n, i), txId: block.x[i] })
    if (tx.o !== undefined && !bytesEqual(tx.o, tx.f)) out.push({ key: accountTxKey(tx.o, block.n, i), txId: block.x[i] })
  })
  return out
}

/** What the index hook needs from the store: blocks and their transactions by id. */
export interface BlockSource {
  getBlock: (id: Uint8Array) => Block | undefined
  blockTxs: (block: Block) => Transaction[]
}

/**
 * The index operations of a write: deletes for the blocks that leave the main chain (their undo
 * records are dropped, `undoDel`), then puts for the blocks that join it (`main`). Blocks stored
 * by the same write are taken from it; others are read from the store.
 */
export function accountIndexOps (w: StoreWrite, source: BlockSource | undefined): Op[] {
  if ((w.main?.length ?? 0) === 0 && (w.undoDel?.length ?? 0) === 0) return []
  const fresh = new Map<string, { block: Block, txs: Transaction[] }>()
  for (const b of w.blocks ?? []) fresh.set(toHex(blockId(b.block)), b)
  const load = (id: Uint8Array): { block: Block, txs: Transaction[] } => {
    const f = fresh.get(toHex(id))
    if (f !== undefined) return f
    const block = source?.getBlock(id)
    if (block === undefined || source === undefined) throw storeCorrupt(`block ${toHex(id)} is missing while indexing accounts`)
    return { block, txs: source.blockTxs(block) }
  }
  const ops: Op[] = []
  for (const id of w.undoDel ?? []) {
    const { block, txs } = load(id)
    for (const { key } of blockIndexKeys(block, txs)) ops.push({ type: 'del', key })
  }
  for (const m of w.main ?? []) {
    if (m.n === 0) continue // genesis carries no transactions
    const { block, txs } = load(m.id)
    for (const { key, txId } of blockIndexKeys(block, txs)) ops.push({ type: 'put', key, value: txId })
  }
  return ops
}

/**
 * Builds the whole index from the main chain (the migration for a store that predates it, and
 * the last step of a reindex): clears 'X', walks heights 1..tip in batches, then sets the meta
 * mark. Interrupted, it starts over at the next open (the mark is written last).
 */
export async function buildAccountIndex (db: Db, source: BlockSource & { mainIdAt: (n: number) => Uint8Array | undefined }, tipN: number): Promise<number> {
  await db.del(metaKey('accountIndex'))
  await db.clear(prefixRange(P_ACCOUNT_TX))
  let ops: Op[] = []
  let keys = 0
  for (let n = 1; n <= tipN; n++) {
    const id = source.mainIdAt(n)
    const block = id !== undefined ? source.getBlock(id) : undefined
    if (block === undefined) throw storeCorrupt(`main-chain block at height ${n} is missing while indexing accounts`)
    for (const { key, txId } of blockIndexKeys(block, source.blockTxs(block))) ops.push({ type: 'put', key, value: txId })
    if (n % ACCOUNT_INDEX_MIGRATE_BATCH_BLOCKS === 0) { keys += ops.length; await db.batch(ops); ops = [] }
  }
  keys += ops.length
  ops.push({ type: 'put', key: metaKey('accountIndex'), value: ACCOUNT_INDEX_MARK })
  await db.batch(ops, { sync: true })
  return keys
}

export function hasAccountIndex (db: Db): boolean {
  const v = db.getSync(metaKey('accountIndex'))
  return v !== undefined && v !== null && v.length === 1 && v[0] === ACCOUNT_INDEX_VERSION
}

/** One page of an account's history, newest first: the keys strictly below `before`. */
export async function accountTxPage (db: Db, account: Uint8Array, before: { n: number, pos: number } | undefined, limit: number): Promise<Array<{ n: number, pos: number, txId: Uint8Array }>> {
  const entries = await db.iterator({ ...accountTxRange(account, before), reverse: true, limit }).all()
  return entries.map(([k, v]) => {
    if (v.length !== 32) throw storeCorrupt(`account index record ${toHex(k)} is not a transaction id`)
    return { ...positionOfKey(k), txId: Uint8Array.from(v) }
  })
}

/** The migration at open: a store without the 'accountIndex' mark gets its index built now. */
export async function migrateAccountIndex (store: BlockSource & { db: Db, tip: Block, mainIdAt: (n: number) => Uint8Array | undefined }, report?: (what: string, detail: Record<string, unknown>) => void): Promise<void> {
  const t0 = Date.now()
  const keys = await buildAccountIndex(store.db, store, store.tip.n)
  report?.('account index built', { blocks: store.tip.n, keys, ms: Date.now() - t0 })
}
