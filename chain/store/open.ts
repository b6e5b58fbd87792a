// Opening a store: initialise a new directory with the genesis block and state in one batch, or
// check that an existing one belongs to this genesis and this layout version, then (optionally)
// reindex, load the tip and run the quick corruption check.
import { ClassicLevel } from 'classic-level'
import { ChainError } from '../errors.js'
import { MAX_GENESIS_BYTES } from '../constants.js'
import { type BDict, decodeCanonical } from '../bencode.js'
import { sha256 } from '../crypto.js'
import type { Genesis } from '../genesis.js'
import { bytesEqual, toHex } from '../hex.js'
import { genesisState } from '../state/replay.js'
import { STORE_SCHEMA_VERSION } from './constants.js'
import { metaKey } from './keys.js'
import { SCHEMA_VERSION_BYTES, decodeU32, storeCorrupt } from './records.js'
import { quickCheck } from './check.js'
import { ACCOUNT_INDEX_MARK, hasAccountIndex, migrateAccountIndex } from './accountIndex.js'
import { reindexStore } from './reindex.js'
import { isEmpty } from './scan.js'
import { ChainStore, type Db, type StoreOptions } from './store.js'
import { type Op, opsOf } from './write.js'

export async function openStore (dir: string, genesis: Genesis, options: StoreOptions = {}): Promise<ChainStore> {
  const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (e) {
    const err = e as { code?: string, cause?: { code?: string, message?: string } }
    if (err.cause?.code === 'LEVEL_LOCKED') {
      throw new ChainError('STORE_LOCKED', `data directory ${dir} is in use by another process`)
    }
    throw new ChainError('STORE_OPEN_FAILED', `cannot open the store in ${dir}: ${err.cause?.message ?? (e as Error).message}`)
  }
  const store = new ChainStore(db, dir, genesis, options)
  try {
    await initOrCheckGenesis(store)
    if (options.reindex === true) await reindexStore(store)
    else {
      if (store.raw(metaKey('reindex')) !== undefined) throw storeCorrupt(`a reindex of ${dir} was interrupted`)
      store.loadMeta()
      // Stores from before the account index get it built once, here (reindex builds its own);
      // not by repair and inspection tools (check: 'none'), which must not write.
      if (options.check !== 'none' && !hasAccountIndex(db)) await migrateAccountIndex(store, options.onMigrate)
    }
    await store.staging.load()
    if ((options.check ?? 'quick') === 'quick') await quickCheck(store)
    return store
  } catch (e) {
    await db.close().catch(() => {})
    throw e
  }
}

async function initOrCheckGenesis (store: ChainStore): Promise<void> {
  const stored = store.raw(metaKey('genesis'))
  if (stored === undefined) {
    if (!(await isEmpty(store.db))) throw storeCorrupt(`data directory ${store.dir} has records but no genesis record`)
    await initialise(store)
    return
  }
  if (!bytesEqual(stored, store.genesis.canonical)) throw wrongGenesis(store, stored)
  const version = store.readRecord(metaKey('schema'), decodeU32)
  if (version === undefined) throw storeCorrupt('the schema version record is missing')
  if (version !== STORE_SCHEMA_VERSION) {
    throw new ChainError('STORE_SCHEMA_MISMATCH',
      `data directory ${store.dir} uses store layout ${version}, this node reads layout ${STORE_SCHEMA_VERSION}; ` +
      'use a matching node version or resync into a new data directory', { found: version, expected: STORE_SCHEMA_VERSION })
  }
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
    }, Math.floor(Date.now() / 1000))
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
