// What every wallet subcommand shares: the node's API address and the key, found through the same
// layering as `start` (flags, then TAU_* variables, then --config FILE, then defaults), so a wallet
// run beside a node finds that node's API and key file without flags.
import { join } from 'node:path'
import { type KeyPair, isValidPublicKey } from '../../chain/crypto.js'
import { devKey } from '../../chain/devkeys.js'
import { type Genesis, loadGenesisFile } from '../../chain/genesis.js'
import { fromHex, toHex } from '../../chain/hex.js'
import { type NodeConfig, loadConfig } from '../config.js'
import { keyFilePublicKey, unlockKeyFile } from '../keyFile.js'
import { NodeClient } from './client.js'
import { EXIT, WalletError } from './errors.js'

export type Flags = Record<string, string | boolean | undefined>

/** Options every subcommand accepts (node:util parseArgs form). */
export const COMMON_OPTIONS = {
  api: { type: 'string' }, config: { type: 'string' }, 'data-dir': { type: 'string' }, 'key-file': { type: 'string' },
  'dev-key': { type: 'string' }, genesis: { type: 'string' }, 'api-host': { type: 'string' }, 'api-port': { type: 'string' },
  json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }
} as const

export class WalletContext {
  readonly cfg: NodeConfig
  readonly json: boolean
  private clientCache?: NodeClient

  constructor (readonly flags: Flags, readonly env: NodeJS.ProcessEnv) {
    const layered: Flags = {}
    for (const k of ['config', 'data-dir', 'key-file', 'dev-key', 'genesis', 'api-host', 'api-port']) layered[k] = flags[k]
    this.cfg = loadConfig(layered, env)
    this.json = flags.json === true
  }

  /** --api URL, else TAU_API, else the node's own api-host:api-port (a wildcard host means loopback). */
  get apiBase (): string {
    const explicit = (this.flags.api as string | undefined) ?? (this.env.TAU_API !== '' ? this.env.TAU_API : undefined)
    if (explicit !== undefined) return explicit
    const host = this.cfg.apiHost === '0.0.0.0' || this.cfg.apiHost === '::' ? '127.0.0.1' : this.cfg.apiHost
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.cfg.apiPort}`
  }

  get client (): NodeClient {
    if (this.clientCache === undefined) {
      try { new URL(this.apiBase) } catch { throw new WalletError('WALLET_BAD_ARGUMENT', `--api "${this.apiBase}" is not a URL`, EXIT.USAGE) }
      this.clientCache = new NodeClient(this.apiBase)
    }
    return this.clientCache
  }

  get keyPath (): string { return this.cfg.keyFile ?? join(this.cfg.dataDir, 'key.json') }

  /** The wallet's own public key: no passphrase needed, even for an encrypted key file. */
  publicKey (): Uint8Array {
    return this.cfg.devKey !== undefined ? devKey(this.cfg.devKey).publicKey : keyFilePublicKey(this.keyPath)
  }

  /** The signing key; an encrypted file asks for its passphrase (or reads TAU_KEY_PASSPHRASE). */
  async signingKey (): Promise<KeyPair> {
    return this.cfg.devKey !== undefined ? devKey(this.cfg.devKey) : await unlockKeyFile(this.keyPath, this.env)
  }

  /** The genesis of --genesis (or the layered default): chain id and minFee without a node. */
  genesis (): Genesis { return loadGenesisFile(this.cfg.genesis) }

  /** A KEY argument, or the wallet's own key when absent. */
  keyArg (arg: string | undefined): string {
    return arg === undefined ? toHex(this.publicKey()) : publicKeyArg(arg, 'KEY')
  }
}

export function publicKeyArg (v: string | undefined, what: string): string {
  if (v === undefined || !/^[0-9a-fA-F]{64}$/.test(v)) throw new WalletError('WALLET_BAD_ARGUMENT', `${what} must be a public key of 64 hex characters`, EXIT.USAGE)
  if (!isValidPublicKey(fromHex(v, 32))) throw new WalletError('WALLET_BAD_ARGUMENT', `${what} ${v} is not a valid public key (no such point)`, EXIT.USAGE)
  return v.toLowerCase()
}

export function intArg (v: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d{1,16}$/.test(v) || Number(v) < min || Number(v) > max) throw new WalletError('WALLET_BAD_ARGUMENT', `${flag} must be an integer from ${min} to ${max}`, EXIT.USAGE)
  return Number(v)
}

export function txIdArg (v: string | undefined): string {
  if (v === undefined || !/^[0-9a-fA-F]{64}$/.test(v)) throw new WalletError('WALLET_BAD_ARGUMENT', 'ID must be a transaction id of 64 hex characters', EXIT.USAGE)
  return v.toLowerCase()
}
