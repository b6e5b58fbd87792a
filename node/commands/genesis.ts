import { parseArgs } from 'node:util'
import { loadGenesisFile } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node genesis --check FILE

Validates a genesis file (PROTOCOL §2) and prints its chain id, genesis block id and parameters.
Exits 1 with a coded error naming the bad field if the file is invalid.`

export const genesis: Command = {
  name: 'genesis',
  summary: 'check a genesis file and print its chain id',
  async run (args) {
    const { values } = parseArgs({ args, options: { check: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help) { console.log(HELP); return 0 }
    if (values.check === undefined) { console.error(HELP); return 2 }
    const g = loadGenesisFile(values.check)
    console.log(JSON.stringify({
      ok: true,
      name: g.config.name,
      chainId: toHex(g.chainId),
      genesisBlockId: toHex(g.blockId),
      blockTime: g.config.blockTime,
      mutableRange: g.config.mutableRange,
      accounts: g.config.accounts.length,
      baseTarget: g.block.b.toString()
    }, null, 2))
    return 0
  }
}
