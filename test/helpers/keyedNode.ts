// A node started in-process on a fresh two-or-more-key genesis, under a key of the test's choosing:
// for tests whose other keys are played by bare DHT engines (pushes, hostile peers, idle reads).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KeyPair } from '../../chain/crypto.js'
import { buildGenesis, type Genesis, genesisToJson } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { loadConfig } from '../../node/config.js'
import { createLogger } from '../../node/logger.js'
import { TauNode } from '../../node/node.js'

/** Writes the genesis (every key: balance 1000, power 100) and `ours`'s key file into `dir`, then starts a non-mining node there. */
export async function startKeyedNode (dir: string, o: { name: string, blockTime: number, ours: KeyPair, others: KeyPair[] }): Promise<{ node: TauNode, genesis: Genesis }> {
  const now = Math.floor(Date.now() / 1000)
  const genesis = buildGenesis({
    name: o.name, timestamp: now - 100, blockTime: o.blockTime, mutableRange: 6, minFee: 1, blockReward: 0,
    accounts: [o.ours, ...o.others].map(k => ({ pubkey: k.publicKey, balance: 1000, power: 100 }))
  })
  const gfile = join(dir, 'genesis.json')
  writeFileSync(gfile, JSON.stringify(genesisToJson(genesis.config)))
  const keyFile = join(dir, 'key.json')
  writeFileSync(keyFile, JSON.stringify({ version: 1, secretKey: toHex(o.ours.secretKey) }), { mode: 0o600 })
  const cfg = loadConfig({ 'data-dir': join(dir, 'node'), genesis: gfile, 'key-file': keyFile, 'dht-port': '0', 'api-port': '0', mine: false, 'log-level': 'error' }, {})
  return { node: await TauNode.start(cfg, createLogger('error', 'json')), genesis }
}
