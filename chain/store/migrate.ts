// Schema migrations: a store written by an older layout (the 'schema' meta record) is brought to
// STORE_SCHEMA_VERSION in place at open, one step per version, after a complete copy of it has been
// made beside it (`<store dir>.schema-<old>-backup`, itself a LevelDB store the older node opens as
// is). A newer layout is refused (open.ts): this node cannot know what it would lose.
//
// Each step's writes are idempotent and the new version is written in the step's last batch, so a
// migration cut short (crash, power loss) leaves the old version and simply runs again.
import { rmSync } from 'node:fs'
import { ClassicLevel } from 'classic-level'
import { ChainError } from '../errors.js'
import { decodeBlock } from '../block.js'
import { SCHEMA_BACKUP_BATCH_RECORDS, SCHEMA_MIGRATE_BATCH_BLOCKS, STORE_SCHEMA_VERSION } from './constants.js'
import { P_BLOCK, describeKey, keyBody, metaKey, txLocKey } from './keys.js'
import { encodeU32, storeCorrupt } from './records.js'
import { scanPrefix } from './scan.js'
import type { Db } from './db.js'
import type { ChainStore } from './store.js'

export interface MigrationReport { from: number, to: number, backup: string, records: number, ms: number }

const EMPTY = new Uint8Array(0)

/** One step: from version `from` to `from + 1`; it writes the new version with its last batch. */
type Step = (db: Db, to: number) => Promise<number>

/**
 * 1 → 2: the durable transaction → block index ('L' + tx id + block id, empty value) for every
 * stored block, main or side, as write.ts writes it with each new block since layout 2.
 */
const addTxLocations: Step = async (db, to) => {
  let ops: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }> = []
  let blocks = 0
  let written = 0
  for await (const [k, v] of scanPrefix(db, P_BLOCK)) {
    let x: Uint8Array[]
    try { x = decodeBlock(v).x } catch (e) { throw storeCorrupt(`${describeKey(k)} does not decode during the schema migration: ${(e as Error).message}`) }
    const id = keyBody(k)
    for (const t of x) ops.push({ type: 'put', key: txLocKey(t, id), value: EMPTY })
    written += x.length
    if (++blocks % SCHEMA_MIGRATE_BATCH_BLOCKS === 0) { await db.batch(ops); ops = [] }
  }
  ops.push({ type: 'put', key: metaKey('schema'), value: encodeU32(to) })
  await db.batch(ops, { sync: true })
  return written
}

const STEPS: Record<number, Step> = { 1: addTxLocations }

/** Whether this node can migrate a store of layout `version`. */
export function canMigrate (version: number): boolean {
  for (let v = version; v < STORE_SCHEMA_VERSION; v++) if (STEPS[v] === undefined) return false
  return version < STORE_SCHEMA_VERSION
}

export const schemaBackupDir = (storeDir: string, version: number): string => `${storeDir}.schema-${version}-backup`

/** Copies the store (one snapshot) into `<dir>.schema-<from>-backup`, then runs each step to the current layout. */
export async function migrateSchema (store: ChainStore, from: number): Promise<MigrationReport> {
  if (!canMigrate(from)) throw new ChainError('STORE_SCHEMA_MISMATCH', `no migration from store layout ${from} to ${STORE_SCHEMA_VERSION}`)
  const started = Date.now()
  const backup = schemaBackupDir(store.dir, from)
  await copyStore(store.db, backup)
  let records = 0
  for (let v = from; v < STORE_SCHEMA_VERSION; v++) records += await (STEPS[v] as Step)(store.db, v + 1)
  return { from, to: STORE_SCHEMA_VERSION, backup, records, ms: Date.now() - started }
}

/** A complete copy of `db` as a new LevelDB store in `dir` (an older copy of the same store is replaced). */
async function copyStore (db: Db, dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true })
  const out = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await out.open()
  const it = db.iterator()
  try {
    for (;;) {
      const chunk = await it.nextv(SCHEMA_BACKUP_BATCH_RECORDS)
      if (chunk.length === 0) break
      // Synced: the copy is the way back if the migration goes wrong, so it must be on disk first.
      await out.batch(chunk.map(([key, value]) => ({ type: 'put' as const, key, value })), { sync: true })
    }
  } finally {
    await it.close()
    await out.close()
  }
}
