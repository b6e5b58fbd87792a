// `tau-node restore`: rebuild a data dir's chain store from a `tau-node backup` file, checked first
// (node/ops/restore.ts).
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadGenesisFile } from '../../chain/genesis.js'
import { DEFAULTS } from '../config.js'
import { acquireLock } from '../lock.js'
import { restoreBackup } from '../ops/restore.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node restore --in FILE [--data-dir DIR] [--genesis FILE]

Rebuilds DIR/chain from a backup made by tau-node backup. The backup must be of this genesis, intact
(checksum), and pass the full store check (every block and transaction hash, the main chain linked
from genesis, state = replay from genesis) before it is put in place. DIR must have no chain store.
  --in FILE        the backup file
  --data-dir DIR   the data directory to restore into [env TAU_DATA_DIR, default ${DEFAULTS.dataDir}]
  --genesis FILE   the chain's genesis file [env TAU_GENESIS, default ${DEFAULTS.genesis}]

Exit 0: restored (a JSON report). Exit 1: refused, with its code (BACKUP_CORRUPT, BACKUP_FOREIGN,
RESTORE_TARGET_EXISTS, NODE_LOCKED, ...); the data dir is left as it was.`

export const restore: Command = {
  name: 'restore',
  summary: 'rebuild a data dir from a backup file, after checking it',
  async run (args) {
    const { values } = parseArgs({ args, options: { in: { type: 'string' }, 'data-dir': { type: 'string' }, genesis: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help === true) { console.log(HELP); return 0 }
    if (values.in === undefined) { console.error(HELP); return 2 }
    const dataDir = resolve(values['data-dir'] ?? process.env.TAU_DATA_DIR ?? DEFAULTS.dataDir)
    const genesis = loadGenesisFile(resolve(values.genesis ?? process.env.TAU_GENESIS ?? DEFAULTS.genesis))
    mkdirSync(dataDir, { recursive: true })
    const release = acquireLock(dataDir) // no node may start on the dir while it is rebuilt
    try {
      console.log(JSON.stringify(await restoreBackup(resolve(values.in), dataDir, genesis), null, 2))
      return 0
    } finally {
      release()
    }
  }
}
