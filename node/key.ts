// Which key the node mines and publishes with: --key-file, a test-only --dev-key, or
// <data-dir>/key.json, created on first start. An encrypted key file is unlocked by `start` before
// the node is built (unlockNodeKey), so a wrong passphrase fails before anything is opened.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair, type KeyPair, keyFileTooOpen, readKeyFile, writeKeyFile } from '../chain/crypto.js'
import { devKey } from '../chain/devkeys.js'
import { NodeError } from './errors.js'
import { toHex } from '../chain/hex.js'
import type { NodeConfig } from './config.js'
import { isEncryptedKeyPath, unlockKeyFile } from './keyFile.js'
import type { Logger } from './logger.js'

const keyPathOf = (cfg: NodeConfig): string => cfg.keyFile ?? join(cfg.dataDir, 'key.json')

/** The key of an encrypted key file, its passphrase from TAU_KEY_PASSPHRASE or the terminal; else undefined. */
export async function unlockNodeKey (cfg: NodeConfig, env: NodeJS.ProcessEnv = process.env): Promise<KeyPair | undefined> {
  if (cfg.devKey !== undefined) return undefined
  const path = keyPathOf(cfg)
  if (!existsSync(path) || !isEncryptedKeyPath(path)) return undefined
  return await unlockKeyFile(path, env)
}

export function loadNodeKey (cfg: NodeConfig, log: Logger, unlocked?: KeyPair): KeyPair {
  if (cfg.devKey !== undefined) {
    log.warn('using a TEST-ONLY devnet key; its secret is public', { devKey: cfg.devKey })
    return devKey(cfg.devKey)
  }
  const path = keyPathOf(cfg)
  if (unlocked === undefined && cfg.keyFile === undefined && !existsSync(path)) {
    const kp = generateKeyPair()
    writeKeyFile(path, kp)
    log.info('generated a new key', { keyFile: path, publicKey: toHex(kp.publicKey) })
    return kp
  }
  let kp = unlocked
  if (kp === undefined) {
    if (existsSync(path) && isEncryptedKeyPath(path)) throw new NodeError('KEYFILE_LOCKED', `key file ${path} is encrypted and was not unlocked`)
    kp = readKeyFile(path)
  }
  if (keyFileTooOpen(path)) log.warn('key file is readable by other users; chmod 600 it', { keyFile: path })
  return kp
}
