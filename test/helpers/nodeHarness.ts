// In-process TauNodes on real UDP DHT nodes (127.0.0.1) and real LevelDB in one temp dir, for
// integration tests: write a genesis, prepare a data dir with a built branch, start nodes with flags,
// stop them all. Each node's log goes to the stream given (or nowhere).
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { Chain } from '../../chain/chain.js'
import { type KeyPair, writeKeyFile } from '../../chain/crypto.js'
import { type Genesis, genesisToJson } from '../../chain/genesis.js'
import type { Endpoint } from '../../dht/endpoint.js'
import { loadConfig } from '../../node/config.js'
import { createLogger } from '../../node/logger.js'
import { TauNode } from '../../node/node.js'
import type { Built, ChainBuilder } from './chainBuilder.js'
import { makeTmpDir, removeDir } from './tmp.js'

export class NodeHarness {
  readonly dir = makeTmpDir()
  readonly nodes: TauNode[] = []

  constructor (readonly genesis: Genesis) {
    writeFileSync(join(this.dir, 'genesis.json'), JSON.stringify(genesisToJson(genesis.config)))
  }

  /** Writes `blocks` (linked from genesis) into the chain store of data dir `name`. */
  async prepare (name: string, blocks: Built[], builder: ChainBuilder): Promise<void> {
    const chain = await Chain.open(join(this.dir, name, 'chain'), this.genesis)
    try {
      // In parts of at most 1,024 blocks (the chain's MAX_BRANCH_BLOCKS per call).
      for (let i = 0; i < blocks.length; i += 1024) {
        const part = blocks.slice(i, i + 1024)
        expect((await chain.importBranch(part.map(b => b.block), builder.txMap(part))).kind).to.equal('extended')
      }
    } finally {
      await chain.close()
    }
  }

  /** Starts node `name` (data dir of that name) with `key`, not mining unless flags say so; `env` as loadConfig reads it (e.g. the testnet switch for link flags). */
  async start (name: string, key: KeyPair, o: { bootstrap?: Endpoint[], flags?: Record<string, string | boolean>, log?: PassThrough, env?: Record<string, string> } = {}): Promise<TauNode> {
    const keyFile = join(this.dir, `${name}.key.json`)
    writeKeyFile(keyFile, key)
    const flags: Record<string, string | boolean> = {
      'data-dir': join(this.dir, name), genesis: join(this.dir, 'genesis.json'), 'key-file': keyFile,
      'dht-port': '0', 'api-port': '0', mine: false, 'log-level': 'info', ...o.flags
    }
    if (o.bootstrap !== undefined && o.bootstrap.length > 0) flags.bootstrap = o.bootstrap.map(e => `${e.host}:${e.port}`).join(',')
    const node = await TauNode.start(loadConfig(flags, o.env ?? {}), createLogger('info', 'json', o.log ?? new PassThrough().resume()))
    this.nodes.push(node)
    return node
  }

  async close (): Promise<void> {
    for (const n of this.nodes.splice(0)) await n.stop()
    removeDir(this.dir)
  }
}
