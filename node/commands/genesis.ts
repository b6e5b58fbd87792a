import { parseArgs } from 'node:util'
import { loadGenesisFile } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { genesisNew } from '../ops/genesisNew.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node genesis --check FILE
       tau-node genesis new --name NAME --account KEY:BALANCE:POWER [--account ...] [options]

--check FILE validates a genesis file (PROTOCOL §2) and prints its chain id, genesis block id and
parameters. Exits 1 with a coded error naming the bad field if the file is invalid.

new writes a genesis file for a network of one's own and prints its chain id:
  --name NAME              network name (1–16 printable ASCII characters)
  --account K:B:P          an account: public key (64 hex), balance, mining power; repeat per account
  --block-time S           target block interval, seconds (≥ 10; default 10)
  --mutable-range M        mutable range, blocks (≥ 1; default 6)
  --min-fee F              smallest transaction fee (default 1)
  --block-reward R         block reward (default 10)
  --timestamp T            genesis time, Unix seconds (default now)
  --out FILE               where to write it (default genesis.json)
  --force                  overwrite FILE if it exists`

function checkFile (path: string): number {
  const g = loadGenesisFile(path)
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

function runNew (args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      account: { type: 'string', multiple: true },
      'block-time': { type: 'string' },
      'mutable-range': { type: 'string' },
      'min-fee': { type: 'string' },
      'block-reward': { type: 'string' },
      timestamp: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) { console.log(HELP); return 0 }
  const r = genesisNew({
    name: values.name,
    account: values.account,
    blockTime: values['block-time'],
    mutableRange: values['mutable-range'],
    minFee: values['min-fee'],
    blockReward: values['block-reward'],
    timestamp: values.timestamp,
    out: values.out,
    force: values.force
  })
  console.log(JSON.stringify({ ok: true, file: r.path, chainId: r.chainId, genesisBlockId: r.genesisBlockId }, null, 2))
  return 0
}

export const genesis: Command = {
  name: 'genesis',
  summary: 'check a genesis file, or write a new one (genesis new)',
  async run (args) {
    if (args[0] === 'new') return runNew(args.slice(1))
    const { values } = parseArgs({ args, options: { check: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help) { console.log(HELP); return 0 }
    if (values.check === undefined) { console.error(HELP); return 2 }
    return checkFile(values.check)
  }
}
