// Opening a store: initialise a new directory with the genesis block and state in one batch, or
// check that an existing one belongs to this genesis and this layout version, then (optionally)
// reindex, load the tip and the state digest and run the quick corruption check. With --reindex,
// damage that LevelDB itself reports (LEVEL_CORRUPTION) gets LevelDB's repair before the reindex.
import { ClassicLevel } from 'classic-level'
import { ChainError } from '../errors.js'
import { MAX_GENESIS_BYTES } from '../constants.js'
import { type BDict, decodeCanonical } from '../bencode.js'
import { sha256 } from '../crypto.js'
import type { Genesis } from '../genesis.js'
import { bytesEqual, toHex } from '../hex.js'
import { genesisState } from '../state/replay.js'
import { STORE_SCHEMA_VERSION } from './constants.js'
import { blockKey, metaKey } from './keys.js'
import { SCHEMA_VERSION_BYTES, decodeU32, storeCorrupt } from './records.js'
import { quickCheck } from './check.js'
import { ACCOUNT_INDEX_MARK, hasAccountIndex, migrateAccountIndex } from './accountIndex.js'
import { scanStateDigest, storedDigest } from './checkState.js'
import { digestOf } from './digest.js'
import { fromLevelCorruption, isLevelCorruption, levelCorrupt } from './levelErrors.js'
import { repairLevelDir } from './levelRepair.js'
import { type TipMark, readTipMark, writeTipMark } from './tipMark.js'
import { reindexStore } from './reindex.js'
import { canMigrate, migrateSchema } from './migrate.js'
import { isEmpty } from './scan.js'
import type { Db, StoreOptions } from './db.js'
import { ChainStore } from './store.js'
import { type Op, opsOf } from './write.js'

export async function openStore (dir: string, genesis: Genesis, options: StoreOptions = {}): Promise<ChainStore> {
  const mark = readTipMark(dir)
  if (options.reindex !== true) return await openOnce(dir, genesis, options, mark)
  try {
    return await openOnce(dir, genesis, options, mark)
  } catch (e) {
    if (!fromLevelCorruption(e)) throw e
  }
  // LevelDB itself found damaged files: repair them on a copy (levelRepair.ts), then the reindex
  // rebuilds the chain from the blocks that are still readable; lost blocks are fetched again.
  const r = await repairLevelDir(dir)
  const store = await openOnce(dir, genesis, options, mark)
  store.openNotes.unshift(`LevelDB found damaged data files; ${r.method === 'leveldb-repair' ? "LevelDB's repair" : 'a salvage'} ` +
    `rebuilt the tables from ${r.records} readable records in ${r.ms} ms` +
    (r.skippedRanges > 0 ? ` (${r.skippedRanges} unreadable key ranges skipped)` : '') +
    `; the damaged files are kept in ${r.damagedCopy} (delete it once the node has synced)`)
  return store
}

async function openOnce (dir: string, genesis: Genesis, options: StoreOptions, mark: TipMark | undefined): Promise<ChainStore> {
  const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (e) {
    const err = e as { code?: string, cause?: { code?: string, message?: string } }
    if (err.cause?.code === 'LEVEL_LOCKED') {
      throw new ChainError('STORE_LOCKED', `data directory ${dir} is in use by another process`)
    }
    if (isLevelCorruption(e)) throw levelCorrupt(e, 'opening the store')
    throw new ChainError('STORE_OPEN_FAILED', `cannot open the store in ${dir}: ${err.cause?.message ?? (e as Error).message}`)
  }
  const store = new ChainStore(db, dir, genesis, options)
  try {
    await initOrCheckGenesis(store)
    if (options.reindex === true) {
      const report = await reindexStore(store)
      store.openNotes.push(`reindex rebuilt the chain to height ${report.height}`, ...report.notes)
    } else {
      if (store.raw(metaKey('reindex')) !== undefined) throw storeCorrupt(`a reindex of ${dir} was interrupted`)
      store.loadMeta()
      await loadOrMigrateDigest(store)
      // Stores from before the account index get it built once, here (reindex builds its own);
      // not by repair and inspection tools (check: 'none'), which must not write.
      if (options.check !== 'none' && options.inspect !== true && !hasAccountIndex(db)) await migrateAccountIndex(store, options.onMigrate)
    }
    compareTipMark(store, mark)
    await store.staging.load()
    if ((options.check ?? 'quick') === 'quick') await quickCheck(store)
    return store
  } catch (e) {
    await db.close().catch(() => {})
    if (isLevelCorruption(e)) throw levelCorrupt(e, 'checking the store')
    throw e
  }
}

/** The digest record, or (a store written before digests) one computed from the stored accounts. */
async function loadOrMigrateDigest (store: ChainStore): Promise<void> {
  const stored = storedDigest(store)
  if (stored !== undefined) { store.setDigest(stored); return }
  const scan = await scanStateDigest(store)
  if (store.options.inspect !== true) await store.db.put(metaKey('digest'), scan.digest.encode(), { sync: true })
  store.setDigest(scan.digest)
  store.openNotes.push(`the store had no state digest: computed one over its ${scan.accounts} accounts (the accounts are trusted as ` +
    'found; `tau-node check --full` compares them with a replay of the chain)')
}

/** Says how many committed blocks the store lost against the tip mark, then marks the current tip. */
function compareTipMark (store: ChainStore, mark: TipMark | undefined): void {
  const tip = store.tip
  if (mark !== undefined && mark.height > tip.n) {
    store.lostBlocks = { recordedHeight: mark.height, height: tip.n, lost: mark.height - tip.n }
    store.openNotes.push(`the store lost ${mark.height - tip.n} committed blocks: the last tip recorded before the stop was at ` +
      `height ${mark.height} (${mark.id}), the store ends at height ${tip.n}; they will be fetched again from peers`)
  } else if (mark !== undefined && mark.height === tip.n && mark.id !== toHex(store.tipId)) {
    store.openNotes.push(`the last tip recorded before the stop (${mark.id}, height ${mark.height}) is not the stored tip: ` +
      'the newest commits were lost')
  }
  if (store.options.inspect !== true) writeTipMark(store.dir, tip.n, store.tipId)
}

async function initOrCheckGenesis (store: ChainStore): Promise<void> {
  let stored = store.raw(metaKey('genesis'))
  if (stored === undefined) {
    if (await isEmpty(store.db)) { await initialise(store); return }
    if (!(await restoreMeta(store))) throw storeCorrupt(`data directory ${store.dir} has records but no genesis record`)
    stored = store.genesis.canonical
  }
  if (!bytesEqual(stored, store.genesis.canonical)) throw wrongGenesis(store, stored)
  let version = store.readRecord(metaKey('schema'), decodeU32)
  if (version === undefined && await restoreMeta(store)) version = STORE_SCHEMA_VERSION
  if (version === undefined) throw storeCorrupt('the schema version record is missing')
  // An older layout is migrated in place after a full copy is made (migrate.ts); inspection tools
  // (tau-node check) write nothing, so they refuse it like any other layout they cannot read.
  const writable = store.options.inspect !== true && store.options.check !== 'none'
  if (version < STORE_SCHEMA_VERSION && canMigrate(version) && writable) {
    const r = await migrateSchema(store, version)
    store.options.onMigrate?.('store schema migrated', { ...r })
    store.openNotes.push(`the store was migrated from layout ${r.from} to ${r.to} (${r.records} records written in ${r.ms} ms); ` +
      `a copy of the layout-${r.from} store is kept in ${r.backup} (delete it once the node runs well)`)
    version = STORE_SCHEMA_VERSION
  }
  if (version !== STORE_SCHEMA_VERSION) {
    const hint = version > STORE_SCHEMA_VERSION
      ? 'it was written by a newer node: run that version, or resync into a new data directory'
      : canMigrate(version) ? 'start the node on it once to migrate it (a copy is made first)' : 'use a matching node version or resync into a new data directory'
    throw new ChainError('STORE_SCHEMA_MISMATCH',
      `data directory ${store.dir} uses store layout ${version}, this node reads layout ${STORE_SCHEMA_VERSION}; ${hint}`,
      { found: version, expected: STORE_SCHEMA_VERSION })
  }
}

/**
 * A reindex of a store that lost its genesis or schema record (a damaged table takes whatever
 * records shared its block): when the store holds this chain's genesis block, the dir is this
 * chain's, so the two records are written again and the reindex goes on.
 */
async function restoreMeta (store: ChainStore): Promise<boolean> {
  if (store.options.reindex !== true || store.raw(blockKey(store.genesis.blockId)) === undefined) return false
  await store.db.batch([
    { type: 'put', key: metaKey('schema'), value: SCHEMA_VERSION_BYTES },
    { type: 'put', key: metaKey('genesis'), value: store.genesis.canonical }
  ], { sync: true })
  store.openNotes.push('the genesis and schema records were missing: written again (the store holds this chain\'s genesis block)')
  return true
}

/** Genesis block, its height entry, the genesis state, tip and consensus point: one batch. */
async function initialise (store: ChainStore): Promise<void> {
  const g = store.genesis
  const state = genesisState(g)
  const ops: Op[] = [
    { type: 'put', key: metaKey('schema'), value: SCHEMA_VERSION_BYTES },
    { type: 'put', key: metaKey('genesis'), value: g.canonical },
    { type: 'put', key: metaKey('accountIndex'), value: ACCOUNT_INDEX_MARK },
    ...opsOf({
      blocks: [{ block: g.block, txs: [] }],
      main: [{ n: 0, id: g.blockId }],
      accounts: [...state.accounts.values()].map(a => ({ key: a.key, account: a.account })),
      tip: g.block,
      consensusPoint: { id: g.blockId, n: 0 }
    }, Math.floor(Date.now() / 1000)),
    { type: 'put', key: metaKey('digest'), value: digestOf(state.accounts.values()).encode() }
  ]
  await store.db.batch(ops, { sync: true })
}

/** A readable refusal: which chain the directory holds and which one the node was started with. */
function wrongGenesis (store: ChainStore, stored: Uint8Array): ChainError {
  let storedName: string
  try {
    const d = decodeCanonical(stored, { maxBytes: MAX_GENESIS_BYTES, maxDepth: 4 }) as BDict
    storedName = Buffer.from(d.name as Uint8Array).toString('latin1')
  } catch {
    return storeCorrupt(`the genesis record of ${store.dir} does not decode`)
  }
  const want = store.genesis
  return new ChainError('STORE_WRONG_GENESIS',
    `data directory ${store.dir} holds chain "${storedName}" (genesis ${toHex(sha256(stored))}), but this node was started ` +
    `with chain "${want.config.name}" (genesis ${toHex(want.hash)}); use that chain's genesis.json or another data directory`,
    { stored: toHex(sha256(stored)), expected: toHex(want.hash) })
}
