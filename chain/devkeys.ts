// Development keys for the repo's devnet genesis.json. TEST-ONLY: anyone can derive these secret
// keys from the published seed strings, so they must never hold anything of value.
import { type KeyPair, keyPairFromSeed } from './crypto.js'

/** secretKey = SHA-256(seed) for these seeds; the devnet genesis funds their public keys. */
export const DEV_KEY_SEEDS = ['tau-devnet-key-0', 'tau-devnet-key-1', 'tau-devnet-key-2', 'tau-devnet-key-3'] as const

export function devKey (index: number): KeyPair {
  const seed = DEV_KEY_SEEDS[index]
  if (seed === undefined) throw new RangeError(`no dev key ${index}; there are ${DEV_KEY_SEEDS.length}`)
  return keyPairFromSeed(seed)
}
