// `tau-node check`: the store's integrity checks, offline, on a stopped node's data dir. Fast mode
// runs the checks of every open (docs/store.md); --full adds every block hash, every index entry
// and the state against a replay from genesis and against the state digest.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { isChainError } from '../../chain/errors.js'
import { NodeError } from '../errors.js'
import { loadGenesisFile } from '../../chain/genesis.js'
import { quickCheck } from '../../chain/store/check.js'
import { REPAIR_HINT } from '../../chain/store/records.js'
import type { ChainStore } from '../../chain/store/store.js'
import { openStore } from '../../chain/store/open.js'
import { verifyStore } from '../../chain/store/verify.js'
import { DEFAULTS } from '../config.js'
import { acquireLock } from '../lock.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node check [--full] [--data-dir DIR] [--genesis FILE]

Checks the chain store of a stopped node (it refuses a data dir whose node is running).
  --data-dir DIR   the node's data directory [env TAU_DATA_DIR, default ${DEFAULTS.dataDir}]
  --genesis FILE   the chain's genesis file [env TAU_GENESIS, default ${DEFAULTS.genesis}]
  --full           also check every block and transaction hash, every index entry, and the
                   state against a replay from genesis and against the state digest

Prints a JSON report. Exit 0: no problem found. Exit 1: a problem, with its code (STORE_CORRUPT:
repair with \`tau-node start --reindex\`), or the node is running (NODE_LOCKED).`

export interface CheckReport {
  ok: boolean
  mode: 'fast' | 'full'
  dataDir: string
  code?: string
  repair?: string
  height?: number
  blocks?: number
  txs?: number
  accounts?: number
  digest?: string
  problems: string[]
  notes: string[]
  ms: number
}

export const check: Command = {
  name: 'check',
  summary: "check a stopped node's chain store (--full: replay and every record)",
  async run (args) {
    const { values } = parseArgs({
      args,
      options: { full: { type: 'boolean' }, 'data-dir': { type: 'string' }, genesis: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
    })
    if (values.help === true) { console.log(HELP); return 0 }
    const dataDir = resolve(values['data-dir'] ?? process.env.TAU_DATA_DIR ?? DEFAULTS.dataDir)
    const chainDir = join(dataDir, 'chain')
    if (!existsSync(chainDir)) throw new NodeError('STORE_NOT_FOUND', `no chain store in ${dataDir} (expected ${chainDir})`)
    const genesis = loadGenesisFile(resolve(values.genesis ?? process.env.TAU_GENESIS ?? DEFAULTS.genesis))
    const release = acquireLock(dataDir) // NODE_LOCKED while the node runs: its store is changing under us
    try {
      const report = await runCheck(dataDir, chainDir, genesis, values.full === true)
      console.log(JSON.stringify(report, null, 2))
      if (!report.ok) console.error(`tau-node check: ${report.code}: ${report.problems[0] ?? ''}; ${REPAIR_HINT}`)
      return report.ok ? 0 : 1
    } finally {
      release()
    }
  }
}

async function runCheck (dataDir: string, chainDir: string, genesis: ReturnType<typeof loadGenesisFile>, full: boolean): Promise<CheckReport> {
  const started = Date.now()
  const report: CheckReport = { ok: false, mode: full ? 'full' : 'fast', dataDir, problems: [], notes: [], ms: 0 }
  const fail = (e: unknown): CheckReport => {
    if (!isChainError(e)) throw e
    report.code = e.code
    report.problems.push(e.message.replace(/^[A-Z_]+: /, '').replace(`; ${REPAIR_HINT}`, ''))
    if (e.code === 'STORE_CORRUPT') report.repair = 'tau-node start --reindex'
    report.ms = Date.now() - started
    return report
  }
  let store: ChainStore
  try {
    store = await openStore(chainDir, genesis, { check: 'none', inspect: true })
  } catch (e) { return fail(e) }
  try {
    report.notes.push(...store.openNotes)
    const q = await quickCheck(store)
    Object.assign(report, { height: q.height, accounts: q.accounts, digest: store.digest.fingerprint() })
    if (!q.digestFull) report.notes.push(`fast mode sampled the accounts (over the open check's bound); --full checks them all`)
    if (full) {
      const v = await verifyStore(store)
      Object.assign(report, { height: v.height, blocks: v.blocks, txs: v.txs, accounts: v.accounts })
      if (!v.ok) {
        report.code = 'STORE_CORRUPT'
        report.repair = 'tau-node start --reindex'
        report.problems.push(...v.problems)
        report.ms = Date.now() - started
        return report
      }
    }
    report.ok = true
    report.ms = Date.now() - started
    return report
  } catch (e) {
    return fail(e)
  } finally {
    await store.close()
  }
}
