// `tau-node restore`: rebuild a data dir's chain store from a backup file. Nothing is accepted on
// trust: the header must name this genesis, the checksum must match, and the rebuilt store must pass
// the full verify() (genesis record, every block and transaction hash, the height index linked from
// genesis to the tip, undo records, state = a replay from genesis = the digest) before it is moved
// into place. The store is built in a scratch dir beside the target, so a refused backup leaves
// nothing behind and a half-written one is never mistaken for a store.
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { NodeError } from '../errors.js'
import { ChainError } from '../../chain/errors.js'
import type { Genesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { STORE_SCHEMA_VERSION } from '../../chain/store/constants.js'
import { openStore } from '../../chain/store/open.js'
import { verifyStore } from '../../chain/store/verify.js'
import { BackupReader, backupCorrupt } from './backupFormat.js'
import { RESTORE_BATCH_RECORDS } from './constants.js'

export interface RestoreReport { ok: true, dataDir: string, records: number, height: number, blocks: number, txs: number, accounts: number, ms: number }

export async function restoreBackup (file: string, dataDir: string, genesis: Genesis): Promise<RestoreReport> {
  const started = Date.now()
  const chainDir = join(dataDir, 'chain')
  if (existsSync(chainDir)) {
    throw new NodeError('RESTORE_TARGET_EXISTS', `${chainDir} exists; restore writes only into a data dir without a chain store (move it away first)`)
  }
  if (!existsSync(file)) throw new NodeError('BACKUP_UNREADABLE', `no backup file ${file}`)
  mkdirSync(dataDir, { recursive: true })
  const scratch = join(dataDir, 'chain.restoring')
  rmSync(scratch, { recursive: true, force: true })
  try {
    const records = await writeRecords(file, scratch, genesis)
    const v = await verifyScratch(scratch, genesis)
    if (!v.ok) throw backupCorrupt(`the restored store fails verification: ${v.problems.slice(0, 5).join('; ')}`)
    renameSync(scratch, chainDir)
    return { ok: true, dataDir, records, height: v.height, blocks: v.blocks, txs: v.txs, accounts: v.accounts, ms: Date.now() - started }
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true })
    throw e
  }
}

/** Opens and verifies the rebuilt store. A record that does not even decode is the backup's fault,
 *  not a damaged local store's, so STORE_CORRUPT is reported as BACKUP_CORRUPT like any other failure. */
async function verifyScratch (scratch: string, genesis: Genesis): Promise<Awaited<ReturnType<typeof verifyStore>>> {
  try {
    const store = await openStore(scratch, genesis, { check: 'none', inspect: true })
    try { return await verifyStore(store) } finally { await store.close() }
  } catch (e) {
    if (e instanceof ChainError && e.code === 'STORE_CORRUPT') throw backupCorrupt(`the restored store fails verification: ${e.message}`)
    throw e
  }
}

async function writeRecords (file: string, dir: string, genesis: Genesis): Promise<number> {
  const reader = new BackupReader(createReadStream(file) as AsyncIterable<Buffer>)
  const h = await reader.header()
  if (h.genesis !== toHex(genesis.hash)) {
    throw new NodeError('BACKUP_FOREIGN', `${file} is a backup of another chain (genesis ${h.genesis}, chain id ${h.chainId}); ` +
      `this genesis is ${toHex(genesis.hash)} (chain "${genesis.config.name}")`, { found: h.genesis, expected: toHex(genesis.hash) })
  }
  if (h.schema !== STORE_SCHEMA_VERSION) {
    throw new NodeError('BACKUP_SCHEMA', `${file} holds store layout ${h.schema}; this node restores layout ${STORE_SCHEMA_VERSION} ` +
      '(restore it with the node version that made it, then start this one: it migrates older layouts)')
  }
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  let n = 0
  try {
    let batch = db.batch()
    for await (const [k, v] of reader.records()) {
      batch.put(k, v)
      n++
      if (batch.length >= RESTORE_BATCH_RECORDS) { await batch.write(); batch = db.batch() }
    }
    await batch.write({ sync: true })
  } finally {
    await db.close()
  }
  return n
}
