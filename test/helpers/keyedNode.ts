// A node started in-process on a fresh two-or-more-key genesis, under a key of the test's choosing:
// for tests whose other keys are played by bare DHT engines (pushes, hostile peers, idle reads);
// and such an engine's own channel item, signed and kept in its own store only (keepOwnItem).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type KeyPair, sha256, signHash } from '../../chain/crypto.js'
import { buildGenesis, type Genesis, genesisToJson } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { loadConfig } from '../../node/config.js'
import { createLogger } from '../../node/logger.js'
import { TauNode } from '../../node/node.js'
import { type ChannelName, channelSalt, type DhtEngine, mutableTarget, signatureData, slotOf } from '../../dht/index.js'
import { toWire } from '../../dht/wire.js'

/**
 * Writes the genesis (every key: balance 1000, power 100; or `genesis`, another node's) and `ours`'s
 * key file into `dir`, then starts a non-mining node there (bootstrapped to `bootstrap`, if given).
 */
export async function startKeyedNode (dir: string, o: { name: string, blockTime: number, ours: KeyPair, others: KeyPair[], genesis?: Genesis, bootstrap?: string }): Promise<{ node: TauNode, genesis: Genesis }> {
  const now = Math.floor(Date.now() / 1000)
  const genesis = o.genesis ?? buildGenesis({
    name: o.name, timestamp: now - 100, blockTime: o.blockTime, mutableRange: 6, minFee: 1, blockReward: 0,
    accounts: [o.ours, ...o.others].map(k => ({ pubkey: k.publicKey, balance: 1000, power: 100 }))
  })
  mkdirSync(dir, { recursive: true })
  const gfile = join(dir, 'genesis.json')
  writeFileSync(gfile, JSON.stringify(genesisToJson(genesis.config)))
  const keyFile = join(dir, 'key.json')
  writeFileSync(keyFile, JSON.stringify({ version: 1, secretKey: toHex(o.ours.secretKey) }), { mode: 0o600 })
  const cfg = loadConfig({ 'data-dir': join(dir, 'node'), genesis: gfile, 'key-file': keyFile, 'dht-port': '0', 'api-port': '0', mine: false, 'log-level': 'error', ...(o.bootstrap !== undefined ? { bootstrap: o.bootstrap } : {}) }, {})
  return { node: await TauNode.start(cfg, createLogger('error', 'json')), genesis }
}

/**
 * Signs `bytes` as `kp`'s `name` item in the current slot, at `seq`, and keeps it in `engine`'s own
 * store only (served to a get, never put or pushed); returns its target.
 */
export function keepOwnItem (engine: DhtEngine, kp: KeyPair, o: { chainId: Uint8Array, blockTimeS: number, name: ChannelName, bytes: Uint8Array, seq: number }): Uint8Array {
  const salt = Buffer.from(channelSalt(o.chainId, o.name, slotOf(Date.now(), o.blockTimeS)))
  const k = Buffer.from(kp.publicKey)
  const sig = Buffer.from(signHash(sha256(signatureData(salt, o.seq, o.bytes)), kp.secretKey))
  const target = mutableTarget(k, salt)
  engine.keepOwn({ target, k, salt, seq: o.seq, sig, v: toWire(o.bytes), value: o.bytes })
  return target
}
