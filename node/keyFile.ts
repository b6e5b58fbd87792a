// Reading a key file of either kind: plain (version 1, chain/crypto.ts) or encrypted (version 2,
// chain/keystore.ts). The public key of either is readable without a passphrase; the secret of an
// encrypted one needs it, asked only when the secret is really needed (signing, mining).
import { type KeyPair, readKeyFile } from '../chain/crypto.js'
import { readJsonFile } from '../chain/jsonFile.js'
import { fromHex } from '../chain/hex.js'
import { NodeError } from './errors.js'
import { decryptKeyFile, isEncryptedKeyFile, parseEncryptedKeyFile } from '../chain/keystore.js'
import { getPassphrase } from './passphrase.js'

export function isEncryptedKeyPath (path: string): boolean {
  return isEncryptedKeyFile(readJsonFile(path, 'key file', 'KEYFILE'))
}

/** The public key a key file holds, without decrypting anything. */
export function keyFilePublicKey (path: string): Uint8Array {
  const json = readJsonFile(path, 'key file', 'KEYFILE')
  if (isEncryptedKeyFile(json)) return fromHex(parseEncryptedKeyFile(json, path).publicKey, 32, 'publicKey')
  return readKeyFile(path).publicKey
}

/** The key pair of a plain or encrypted key file; `env` supplies TAU_KEY_PASSPHRASE. */
export async function unlockKeyFile (path: string, env: NodeJS.ProcessEnv = process.env): Promise<KeyPair> {
  const json = readJsonFile(path, 'key file', 'KEYFILE')
  if (!isEncryptedKeyFile(json)) {
    const v = (json as { version?: unknown } | null)?.version
    if (v !== undefined && v !== 1) throw new NodeError('KEYFILE_BAD_FORMAT', `key file ${path}: unknown version ${String(v)}`)
    return readKeyFile(path)
  }
  const file = parseEncryptedKeyFile(json, path)
  return decryptKeyFile(file, await getPassphrase({ label: `key file ${path}`, env }), path)
}
