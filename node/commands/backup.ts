// `tau-node backup`: ask a running node for a consistent copy of its store (GET /admin/backup) and
// write it to a file. The file appears under its name only once the whole stream has arrived and
// its checksum matched, so a cut connection never leaves a file that looks complete.
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { NodeError } from '../errors.js'
import { BackupReader } from '../ops/backupFormat.js'
import { BACKUP_TIMEOUT_MS } from '../ops/constants.js'
import { ADMIN_HELP, ADMIN_OPTIONS, adminTarget, runAdmin } from './adminClient.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node backup --out FILE [options]

Writes a consistent copy of a running node's chain store to FILE, through the node's API (the node
keeps running and mining; its LevelDB files are never copied underneath it). Restore it with
tau-node restore. Options:
  --out FILE         where to write the backup (refused if it exists)
${ADMIN_HELP}`

export const backup: Command = {
  name: 'backup',
  summary: "copy a running node's store to a file (through the node)",
  async run (args) {
    const { values } = parseArgs({ args, options: { ...ADMIN_OPTIONS, out: { type: 'string' } } })
    if (values.help === true) { console.log(HELP); return 0 }
    if (values.out === undefined) { console.error(HELP); return 2 }
    const out = values.out
    if (existsSync(out)) throw new NodeError('BACKUP_FILE_EXISTS', `${out} exists; choose another --out`)
    return await runAdmin('backup', async () => {
      const t = adminTarget(values)
      const started = Date.now()
      let res: Response
      try {
        res = await fetch(new URL('/admin/backup', t.base), { headers: { authorization: `Bearer ${t.token}` }, signal: AbortSignal.timeout(BACKUP_TIMEOUT_MS) })
      } catch (e) {
        throw new NodeError('BACKUP_FAILED', `cannot reach ${t.base}: ${(e as Error).message}`)
      }
      if (!res.ok || res.body === null) throw new NodeError('BACKUP_FAILED', `HTTP ${res.status} ${await res.text()}`)
      const part = `${out}.part`
      const file = createWriteStream(part, { mode: 0o600 })
      let bytes = 0
      // Each chunk goes to the file and through a reader that checks the format and the checksum.
      async function * tee (): AsyncGenerator<Buffer> {
        for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
          const b = Buffer.from(c)
          bytes += b.length
          if (!file.write(b)) await once(file, 'drain')
          yield b
        }
      }
      try {
        const reader = new BackupReader(tee())
        const h = await reader.header()
        let records = 0
        for await (const _r of reader.records()) records++
        file.end()
        await once(file, 'finish')
        renameSync(part, out)
        console.log(JSON.stringify({ ok: true, file: out, chainId: h.chainId, schema: h.schema, records, bytes, ms: Date.now() - started }, null, 2))
        return 0
      } catch (e) {
        file.destroy()
        rmSync(part, { force: true })
        throw e
      }
    })
  }
}
