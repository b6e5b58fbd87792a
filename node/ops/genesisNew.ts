// `tau-node genesis new`: write a genesis file for a network of one's own from flags, so nobody has to
// hand-write the JSON. The flags go through the same validation as a loaded file (parseGenesisJson), so
// a file this command writes always passes `genesis --check`.
import { existsSync, writeFileSync } from 'node:fs'
import { buildGenesis, genesisToJson, parseGenesisJson } from '../../chain/genesis.js'
import { NodeError } from '../errors.js'
import { toHex } from '../../chain/hex.js'
import { GENESIS_NEW_DEFAULTS } from './constants.js'

export interface GenesisNewOptions {
  name?: string
  blockTime?: string
  mutableRange?: string
  minFee?: string
  blockReward?: string
  timestamp?: string
  account?: string[]
  out?: string
  force?: boolean
}

function intFlag (flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new NodeError('GENESIS_BAD_FLAG', `--${flag} must be a non-negative integer, got "${text}"`)
  }
  return Number(text)
}

/** `KEY:BALANCE:POWER` → a genesis account in JSON form (the pubkey is checked by parseGenesisJson). */
function accountFlag (text: string): { pubkey: string, balance: number, power: number } {
  const parts = text.split(':')
  if (parts.length !== 3) throw new NodeError('GENESIS_BAD_FLAG', `--account must be KEY:BALANCE:POWER, got "${text}"`)
  const [pubkey, balance, power] = parts as [string, string, string]
  return { pubkey: pubkey.toLowerCase(), balance: intFlag('account balance', balance, 0), power: intFlag('account power', power, 0) }
}

export interface GenesisNewResult { path: string, chainId: string, genesisBlockId: string }

export function genesisNew (o: GenesisNewOptions): GenesisNewResult {
  if (o.name === undefined) throw new NodeError('GENESIS_BAD_FLAG', '--name is required')
  if (o.account === undefined || o.account.length === 0) throw new NodeError('GENESIS_BAD_FLAG', 'at least one --account KEY:BALANCE:POWER is required')
  const d = GENESIS_NEW_DEFAULTS
  const json = {
    name: o.name,
    timestamp: intFlag('timestamp', o.timestamp, Math.floor(Date.now() / 1000)),
    blockTime: intFlag('block-time', o.blockTime, d.blockTimeS),
    mutableRange: intFlag('mutable-range', o.mutableRange, d.mutableRangeBlocks),
    minFee: intFlag('min-fee', o.minFee, d.minFee),
    blockReward: intFlag('block-reward', o.blockReward, d.blockReward),
    accounts: o.account.map(accountFlag)
  }
  const g = buildGenesis(parseGenesisJson(json))
  const path = o.out ?? 'genesis.json'
  if (existsSync(path) && o.force !== true) {
    throw new NodeError('GENESIS_FILE_EXISTS', `${path} exists; pass --force to overwrite it`)
  }
  // Written from the parsed config so the file holds exactly what the chain id was derived from.
  writeFileSync(path, `${JSON.stringify(genesisToJson(g.config), null, 2)}\n`)
  return { path, chainId: toHex(g.chainId), genesisBlockId: toHex(g.blockId) }
}
