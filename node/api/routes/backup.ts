// GET /admin/backup: the node's whole store as a backup file (node/ops/backupFormat.ts), streamed
// from one LevelDB iterator. A classic-level iterator reads an implicit snapshot taken when it is
// created, and every commit is one atomic batch, so the copy is one consistent state of the store
// even while the node keeps mining and syncing: never LevelDB's files copied underneath it.
import type { ServerResponse } from 'node:http'
import { STORE_SCHEMA_VERSION } from '../../../chain/chain.js'
import { toHex } from '../../../chain/hex.js'
import type { ApiNode } from '../deps.js'
import { BACKUP_READ_CHUNK_RECORDS } from '../../ops/constants.js'
import { BackupWriter } from '../../ops/backupFormat.js'
import type { Router } from '../http.js'
import { requireAdmin } from '../admin.js'
import { addRouteDoc } from '../openapi.js'

addRouteDoc({
  method: 'GET', path: '/admin/backup', operationId: 'getBackup', summary: 'A consistent copy of the whole store, streamed (admin; tau-node backup)', cache: 'no-store', admin: true,
  responses: { 200: { description: 'backup file, format 1 (docs/operations.md)', contentType: 'application/octet-stream' }, 401: { description: 'missing or wrong admin token', schema: 'Error' }, 403: { description: 'not a loopback client', schema: 'Error' } }
})

export function addBackupRoutes (router: Router, node: ApiNode): void {
  router.add('GET', '/admin/backup', req => {
    requireAdmin(node, req)
    return { stream: res => { void streamBackup(node, res) } }
  })
}

async function streamBackup (node: ApiNode, res: ServerResponse): Promise<void> {
  const started = Date.now()
  const { chain, genesis } = node.ctx
  let closed = false
  res.once('close', () => { closed = true })
  const w = new BackupWriter()
  const send = async (b: Buffer): Promise<void> => {
    if (!res.write(b)) await new Promise<void>(resolve => { res.once('drain', resolve); res.once('close', resolve) })
  }
  let records = 0
  let bytes = 0
  try {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'content-disposition': 'attachment; filename="tau-backup.bin"' })
    await send(w.header({ format: 1, schema: STORE_SCHEMA_VERSION, genesis: toHex(genesis.hash), chainId: toHex(genesis.chainId), createdAt: Math.floor(Date.now() / 1000) }))
    for await (const chunk of chain.snapshot(BACKUP_READ_CHUNK_RECORDS)) {
      if (closed) break
      for (const [k, v] of chunk) {
        const b = w.record(k, v)
        records++
        bytes += b.length
        await send(b)
      }
    }
    if (closed) { node.log.warn('backup stopped: the client went away', { records }); return }
    res.end(w.end())
    node.log.info('backup sent', { records, bytes, ms: Date.now() - started })
  } catch (e) {
    // Headers are out: the client sees a truncated file, which restore refuses (no end record).
    node.log.error('backup failed', { error: (e as Error).message, records })
    res.destroy()
  }
}
