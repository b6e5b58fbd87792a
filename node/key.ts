// Which key the node mines and publishes with: --key-file, a test-only --dev-key, or
// <data-dir>/key.json, created on first start.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair, type KeyPair, keyFileTooOpen, readKeyFile, writeKeyFile } from '../chain/crypto.js'
import { devKey } from '../chain/devkeys.js'
import { toHex } from '../chain/hex.js'
import type { NodeConfig } from './config.js'
import type { Logger } from './logger.js'

export function loadNodeKey (cfg: NodeConfig, log: Logger): KeyPair {
  if (cfg.devKey !== undefined) {
    log.warn('using a TEST-ONLY devnet key; its secret is public', { devKey: cfg.devKey })
    return devKey(cfg.devKey)
  }
  const path = cfg.keyFile ?? join(cfg.dataDir, 'key.json')
  if (cfg.keyFile === undefined && !existsSync(path)) {
    const kp = generateKeyPair()
    writeKeyFile(path, kp)
    log.info('generated a new key', { keyFile: path, publicKey: toHex(kp.publicKey) })
    return kp
  }
  const kp = readKeyFile(path)
  if (keyFileTooOpen(path)) log.warn('key file is readable by other users; chmod 600 it', { keyFile: path })
  return kp
}
