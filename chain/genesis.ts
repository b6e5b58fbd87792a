// Genesis (PROTOCOL §2): load and validate genesis.json, derive the chain id, genesis block and state.
import { ChainError } from './errors.js'
import { readJsonFile } from './jsonFile.js'
import { type Schema, ascii, bytes, dict, encodeWith, int, list } from './codec.js'
import {
  CHAIN_ID_BYTES, KEY_BYTES, MAX_GENESIS_ACCOUNTS, MAX_GENESIS_BYTES, MAX_GENESIS_NAME_CHARS, MAX_SAFE_INT,
  MIN_BLOCK_TIME_S, PROTOCOL_VERSION
} from './constants.js'
import { isValidPublicKey, sha256 } from './crypto.js'
import { type Block, blockId, blockWithSignature } from './block.js'
import { genesisBaseTarget } from './consensus/pot.js'
import { ZERO32, ZERO64, fromHex, toHex } from './hex.js'

export interface GenesisAccount { pubkey: Uint8Array, balance: number, power: number }

export interface GenesisConfig {
  name: string
  timestamp: number
  blockTime: number
  mutableRange: number
  minFee: number
  blockReward: number
  accounts: GenesisAccount[]
}

export interface Genesis {
  config: GenesisConfig
  /** Canonical bencode of the config (accounts in the given order). */
  canonical: Uint8Array
  /** SHA-256 of the canonical form: the genesis block's `g`. */
  hash: Uint8Array
  chainId: Uint8Array
  block: Block
  blockId: Uint8Array
}

const GENESIS_SCHEMA: Schema = {
  name: 'genesis',
  maxBytes: MAX_GENESIS_BYTES,
  fields: {
    name: ascii(MAX_GENESIS_NAME_CHARS),
    timestamp: int(),
    blockTime: int(MIN_BLOCK_TIME_S),
    mutableRange: int(1),
    minFee: int(),
    blockReward: int(),
    accounts: list(dict({ pubkey: bytes(KEY_BYTES), balance: int(), power: int() }), MAX_GENESIS_ACCOUNTS)
  }
}

const FIELDS = ['name', 'timestamp', 'blockTime', 'mutableRange', 'minFee', 'blockReward', 'accounts'] as const

function bad (field: string, message: string): ChainError {
  return new ChainError('GENESIS_BAD_FIELD', `genesis.${field}: ${message}`, { field })
}

function safeInt (o: Record<string, unknown>, field: string, min: number, path = field): number {
  const v = o[field]
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > MAX_SAFE_INT) {
    throw bad(path, `must be an integer ≥ ${min} and ≤ 2^53 − 1`)
  }
  return v
}

/** Validates parsed genesis JSON; every bad field gets its own clear error. */
export function parseGenesisJson (json: unknown): GenesisConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ChainError('GENESIS_BAD_FORMAT', 'genesis must be a JSON object')
  }
  const o = json as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (!(FIELDS as readonly string[]).includes(k)) throw new ChainError('GENESIS_UNKNOWN_FIELD', `genesis has unknown field "${k}"`)
  }
  for (const k of FIELDS) if (o[k] === undefined) throw new ChainError('GENESIS_MISSING_FIELD', `genesis is missing "${k}"`)
  const name = o.name
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_GENESIS_NAME_CHARS || !/^[\x20-\x7e]+$/.test(name)) {
    throw bad('name', `must be 1–${MAX_GENESIS_NAME_CHARS} printable ASCII characters`)
  }
  const cfg: GenesisConfig = {
    name,
    timestamp: safeInt(o, 'timestamp', 0),
    blockTime: safeInt(o, 'blockTime', MIN_BLOCK_TIME_S),
    mutableRange: safeInt(o, 'mutableRange', 1),
    minFee: safeInt(o, 'minFee', 0),
    blockReward: safeInt(o, 'blockReward', 0),
    accounts: []
  }
  if (!Array.isArray(o.accounts) || o.accounts.length === 0 || o.accounts.length > MAX_GENESIS_ACCOUNTS) {
    throw bad('accounts', `must be a list of 1–${MAX_GENESIS_ACCOUNTS} accounts`)
  }
  const seen = new Set<string>()
  let supply = 0
  o.accounts.forEach((a: unknown, i: number) => {
    const path = `accounts[${i}]`
    if (typeof a !== 'object' || a === null || Array.isArray(a)) throw bad(path, 'must be an object')
    const acc = a as Record<string, unknown>
    for (const k of Object.keys(acc)) {
      if (!['pubkey', 'balance', 'power'].includes(k)) throw new ChainError('GENESIS_UNKNOWN_FIELD', `genesis.${path} has unknown field "${k}"`)
    }
    if (typeof acc.pubkey !== 'string' || !/^[0-9a-f]{64}$/.test(acc.pubkey)) throw bad(`${path}.pubkey`, 'must be 64 lowercase hex chars')
    const pubkey = fromHex(acc.pubkey, KEY_BYTES)
    if (!isValidPublicKey(pubkey)) throw bad(`${path}.pubkey`, 'is not a valid x-only secp256k1 public key')
    if (seen.has(acc.pubkey)) throw bad(`${path}.pubkey`, 'appears twice')
    seen.add(acc.pubkey)
    const balance = safeInt(acc, 'balance', 0, `${path}.balance`)
    const power = safeInt(acc, 'power', 0, `${path}.power`)
    supply += balance
    if (supply > MAX_SAFE_INT) throw bad('accounts', 'total balance exceeds 2^53 − 1')
    cfg.accounts.push({ pubkey, balance, power })
  })
  return cfg
}

export function loadGenesisFile (path: string): Genesis {
  return buildGenesis(parseGenesisJson(readJsonFile(path, 'genesis file', 'GENESIS')))
}

export function genesisCanonical (cfg: GenesisConfig): Uint8Array {
  return encodeWith(GENESIS_SCHEMA, cfg)
}

export function buildGenesis (config: GenesisConfig): Genesis {
  const canonical = genesisCanonical(config)
  const hash = sha256(canonical)
  const chainId = hash.slice(0, CHAIN_ID_BYTES)
  const bt0 = genesisBaseTarget(config.blockTime, config.accounts.map(a => a.power))
  const block = blockWithSignature({
    v: PROTOCOL_VERSION, c: chainId, n: 0, p: ZERO32, t: config.timestamp, b: bt0, d: 0n,
    g: hash, m: ZERO32, i: ZERO32, x: []
  }, ZERO64)
  return { config, canonical, hash, chainId, block, blockId: blockId(block) }
}

/** The JSON form of a config (for writing genesis files, e.g. for local testnets). */
export function genesisToJson (cfg: GenesisConfig): Record<string, unknown> {
  return { ...cfg, accounts: cfg.accounts.map(a => ({ pubkey: toHex(a.pubkey), balance: a.balance, power: a.power })) }
}
