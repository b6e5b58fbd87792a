// A real node started in-process for the messaging tests: real LevelDB in a temp dir, a real UDP
// DHT on 127.0.0.1 (no bootstrap), the HTTP API on an ephemeral port. Only devKey 0 has power and
// the genesis is old, so start-up voting asks nobody.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type KeyPair, keyPairFromSeed } from '../../chain/crypto.js'
import { devKey } from '../../chain/devkeys.js'
import { type Genesis, buildGenesis, genesisToJson } from '../../chain/genesis.js'
import { DEFAULTS, type NodeConfig } from '../../node/config.js'
import { createLogger } from '../../node/logger.js'
import { TauNode } from '../../node/node.js'
import { makeTmpDir, removeDir } from './tmp.js'
import { waitFor } from './wait.js'

export const MSG_KEYS: KeyPair[] = [devKey(0), keyPairFromSeed('msg-test-key-1'), keyPairFromSeed('msg-test-key-2')]

export function msgGenesis (): Genesis {
  return buildGenesis({
    name: 'msgtest', timestamp: Math.floor(Date.now() / 1000) - 86_400, blockTime: 10, mutableRange: 3, minFee: 1, blockReward: 10,
    accounts: MSG_KEYS.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000, power: i === 0 ? 1_000_000_000_000 : 0 }))
  })
}

export interface MsgNode { node: TauNode, dir: string, base: string, genesis: Genesis, token: string }

export async function startMsgNode (o: { config?: Partial<NodeConfig> } = {}): Promise<MsgNode> {
  const dir = makeTmpDir('tau-msg-')
  const genesis = msgGenesis()
  const genesisPath = join(dir, 'genesis.json')
  writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config)))
  const cfg: NodeConfig = {
    ...DEFAULTS, dataDir: join(dir, 'node'), genesis: genesisPath, devKey: 0, dhtHost: '127.0.0.1', dhtPort: 0, bootstrap: [],
    apiHost: '127.0.0.1', apiPort: 0, mine: false, logLevel: 'error', logFormat: 'json', reindex: false, ...o.config
  }
  const node = await TauNode.start(cfg, createLogger('error', 'json'))
  const addr = node.http?.address()
  if (addr === null || addr === undefined || typeof addr === 'string') throw new Error('no API address')
  await waitFor(() => node.ctx.state.ready, { timeoutMs: 15_000, what: 'node ready' })
  return { node, dir, base: `http://127.0.0.1:${addr.port}`, genesis, token: node.adminToken }
}

export async function stopMsgNode (f: MsgNode | undefined): Promise<void> {
  if (f === undefined) return
  await f.node.stop()
  removeDir(f.dir)
}

/** A JSON request; `admin` adds the node's bearer token. */
export async function api<T = Record<string, unknown>> (f: MsgNode, method: 'GET' | 'POST', path: string, o: { body?: unknown, admin?: boolean } = {}): Promise<{ status: number, json: T }> {
  const headers: Record<string, string> = {}
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  if (o.admin === true) headers.authorization = `Bearer ${f.token}`
  const res = await fetch(f.base + path, { method, headers, body: o.body !== undefined ? JSON.stringify(o.body) : undefined, signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  let json: unknown
  try { json = JSON.parse(text) } catch { json = { text } }
  return { status: res.status, json: json as T }
}
