// Keys and genesis for a fresh local testnet. With a seed the keys are deterministic:
// secret key i = SHA-256(utf8(seed) ‖ uint32be(i)); the fixed-width index keeps ("a1", 1) and ("a", 11) apart.
import { type KeyPair, generateKeyPair, publicKeyOf, sha256 } from '../../chain/crypto.js'
import { type Genesis, type GenesisConfig, buildGenesis } from '../../chain/genesis.js'
import { LOAD_KEY_INDEX_BASE, NODE_BALANCE, NODE_POWERS, TESTNET_BLOCK_REWARD, TESTNET_MIN_FEE, TESTNET_NAME } from './constants.js'

export function seededSecretKey (seed: string, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError(`key index ${index} out of range`)
  const i = new Uint8Array(4)
  new DataView(i.buffer).setUint32(0, index)
  return sha256(new TextEncoder().encode(seed), i)
}

/** Key i of a testnet: deterministic with a seed, random without. */
export function testnetKey (index: number, seed?: string): KeyPair {
  if (seed === undefined) return generateKeyPair()
  const secretKey = seededSecretKey(seed, index)
  return { secretKey, publicKey: publicKeyOf(secretKey) }
}

export function testnetKeys (count: number, seed?: string): KeyPair[] {
  return Array.from({ length: count }, (_, i) => testnetKey(i, seed))
}

/** Keys of the load accounts (senders of tx-load): key index LOAD_KEY_INDEX_BASE + j. */
export function loadKeys (count: number, seed?: string): KeyPair[] {
  return Array.from({ length: count }, (_, j) => testnetKey(LOAD_KEY_INDEX_BASE + j, seed))
}

/** Varied powers, so PoT gives the miners different chances (and the sampler different weights). */
export const powerOf = (index: number): number => NODE_POWERS[index % NODE_POWERS.length]

export interface TestnetGenesisOptions {
  blockTime: number
  mutableRange: number
  /** Unix seconds; defaults to now, so the chain starts fresh. */
  timestamp?: number
  /** Funded senders without power, after the node accounts. */
  loadKeys?: KeyPair[]
  /** Any further accounts, last. */
  extraAccounts?: GenesisConfig['accounts']
}

export function testnetGenesisConfig (keys: KeyPair[], o: TestnetGenesisOptions): GenesisConfig {
  return {
    name: TESTNET_NAME,
    timestamp: o.timestamp ?? Math.floor(Date.now() / 1000),
    blockTime: o.blockTime,
    mutableRange: o.mutableRange,
    minFee: TESTNET_MIN_FEE,
    blockReward: TESTNET_BLOCK_REWARD,
    accounts: [
      ...keys.map((k, i) => ({ pubkey: k.publicKey, balance: NODE_BALANCE, power: powerOf(i) })),
      ...(o.loadKeys ?? []).map(k => ({ pubkey: k.publicKey, balance: NODE_BALANCE, power: 0 })),
      ...(o.extraAccounts ?? [])
    ]
  }
}

/** Builds (and so validates: chain id, genesis block) the testnet genesis. */
export function testnetGenesis (keys: KeyPair[], o: TestnetGenesisOptions): Genesis {
  return buildGenesis(testnetGenesisConfig(keys, o))
}
