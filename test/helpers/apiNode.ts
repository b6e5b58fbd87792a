// A real node for API tests, started in-process: a small real chain is put in the data dir first
// (ChainBuilder → Chain.importBranch), then TauNode.start serves it on an ephemeral port.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Chain } from '../../chain/chain.js'
import { keyPairFromSeed } from '../../chain/crypto.js'
import { devKey } from '../../chain/devkeys.js'
import { type Genesis, buildGenesis, genesisToJson } from '../../chain/genesis.js'
import { DEFAULTS, type NodeConfig } from '../../node/config.js'
import { createLogger } from '../../node/logger.js'
import { TauNode } from '../../node/node.js'
import { type Built, ChainBuilder } from './chainBuilder.js'
import { makeTmpDir, removeDir } from './tmp.js'
import { waitFor } from './wait.js'

export const KEYS = [devKey(0), keyPairFromSeed('api-test-key-1'), keyPairFromSeed('api-test-key-2')]

/** Only KEYS[0] (the node's devKey 0) has power, so start-up votes sample nobody; the timestamp is old. */
export function apiGenesis (ageS = 86_400): Genesis {
  return buildGenesis({
    name: 'apitest', timestamp: Math.floor(Date.now() / 1000) - ageS, blockTime: 10, mutableRange: 3, minFee: 1, blockReward: 10,
    accounts: KEYS.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000_000, power: i === 0 ? 1_000_000_000_000 : 0 }))
  })
}

export interface Fixture { node: TauNode, dir: string, base: string, genesis: Genesis, blocks: Built[] }

export async function startApiNode (o: { blocks?: number, mine?: boolean, genesis?: Genesis, txsPerBlock?: number, apiPublic?: boolean, apiHost?: string } = {}): Promise<Fixture> {
  const dir = makeTmpDir('tau-api-')
  const genesis = o.genesis ?? apiGenesis()
  const genesisPath = join(dir, 'genesis.json')
  writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config)))
  let blocks: Built[] = []
  if ((o.blocks ?? 0) > 0) {
    const b = new ChainBuilder({ genesis, keys: KEYS })
    blocks = b.extend(b.root, o.blocks ?? 0, { txs: o.txsPerBlock ?? 3 })
    const chain = await Chain.open(join(dir, 'node', 'chain'), genesis)
    const r = await chain.importBranch(blocks.map(x => x.block), b.txMap(blocks))
    if (r.kind !== 'extended') throw new Error(`fixture import: ${r.kind}`)
    await chain.close()
  }
  const cfg: NodeConfig = {
    ...DEFAULTS, dataDir: join(dir, 'node'), genesis: genesisPath, devKey: 0, dhtHost: '127.0.0.1', dhtPort: 0, bootstrap: [],
    apiHost: o.apiHost ?? '127.0.0.1', apiPort: 0, mine: o.mine ?? false, apiPublic: o.apiPublic ?? false, logLevel: 'error', logFormat: 'json', reindex: false
  }
  const node = await TauNode.start(cfg, createLogger('error', 'json'))
  const addr = node.http?.address()
  if (addr === null || addr === undefined || typeof addr === 'string') throw new Error('no API address')
  await waitFor(() => node.ctx.state.ready, { timeoutMs: 15_000, what: 'node ready' })
  return { node, dir, base: `http://${o.apiHost ?? '127.0.0.1'}:${addr.port}`, genesis, blocks }
}

export async function stopApiNode (f: Fixture | undefined): Promise<void> {
  if (f === undefined) return
  await f.node.stop()
  removeDir(f.dir)
}
