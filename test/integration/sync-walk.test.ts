// The sync walk (node/pipelines/sync.ts) against real nodes: in-process TauNodes on real UDP DHT
// nodes on 127.0.0.1 with real LevelDB. The walk follows the blocks' checkpoint ids down the branch
// and fills the segments between them by parent links, several at once; these tests check that it
// still yields exactly the branch above the fork point (a fresh node, a node on a fork that parts
// inside a segment) and that a checkpoint id naming a block at the wrong height is invalid data.
import { expect } from 'chai'
import { blockId, encodeBlock, signBlock } from '../../chain/block.js'
import { keyPairFromSeed, type KeyPair } from '../../chain/crypto.js'
import { type Genesis, buildGenesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { Channels, DhtEngine, Getter, Putter, SeqClock } from '../../dht/index.js'
import type { Endpoint } from '../../dht/endpoint.js'
import { TauNode } from '../../node/node.js'
import { type Built, ChainBuilder } from '../helpers/chainBuilder.js'
import { NodeHarness } from '../helpers/nodeHarness.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const M = 6
const HEIGHT = 40
/** The client's own fork parts from the served chain after this height (inside the segment 19–23). */
const FORK_AFTER = 21

describe('sync walk by checkpoints (real nodes)', function () {
  this.timeout(120_000)
  let genesis: Genesis
  let keys: KeyPair[]
  let main: Built[]
  let fork: Built[]
  let hostile: DhtEngine | undefined
  let serverEndpoint: Endpoint

  let h: NodeHarness
  const startNode = async (name: string, key: KeyPair, bootstrap?: Endpoint): Promise<TauNode> =>
    await h.start(name, key, { bootstrap: bootstrap === undefined ? [] : [bootstrap], flags: { 'log-level': 'error' } })

  const tipOf = (n: TauNode): string => `${n.ctx.chain.tip().n}:${toHex(n.ctx.chain.tip().id).slice(0, 12)}`

  before(async () => {
    keys = [0, 1, 2].map(i => keyPairFromSeed(`sync-walk-test-${i}`))
    genesis = buildGenesis({
      name: 'sync-walk-test', timestamp: Math.floor(Date.now() / 1000) - HEIGHT * T * 3 - 600,
      blockTime: T, mutableRange: M, minFee: 1, blockReward: 10,
      accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000, power: [1e12, 1e10, 1e10][i] }))
    })
    h = new NodeHarness(genesis)
    const builder = new ChainBuilder({ genesis, keys })
    main = builder.extend(builder.root, HEIGHT, { speed: 'fast', txs: 1 })
    // Same heights, other contents (no transactions): other ids from FORK_AFTER + 1 on.
    fork = builder.extend(main[FORK_AFTER - 1], 3, { speed: 'fast', txs: 0 })
    await h.prepare('server', main, builder)
    await h.prepare('forked', [...main.slice(0, FORK_AFTER), ...fork], builder)
    const server = await startNode('server', keys[0])
    serverEndpoint = server.ctx.engine.endpoint
  })

  after(async () => {
    await hostile?.stop()
    await h.close()
  })

  it('a fresh node fetches the whole branch and ends on the served tip; a checkpoint at the wrong height costs its peer', async () => {
    const client = await startNode('fresh', keyPairFromSeed('sync-walk-client'), serverEndpoint)
    // A lying peer (a genesis account, so the client reads it) claims a better tip on top of the
    // served chain whose checkpoint id names block 12 instead of the block at cp(41) = 30.
    const liar = keys[1]
    hostile = new DhtEngine({ keyPair: liar, port: 0, bootstrap: [serverEndpoint, client.ctx.engine.endpoint] })
    await hostile.start()
    const top = main[HEIGHT - 1].block
    const forged = signBlock({ ...top, n: HEIGHT + 1, p: main[HEIGHT - 1].id, t: top.t + T, d: top.d * 4n, m: liar.publicKey, i: main[11].id, x: [] }, liar.secretKey)
    const putter = new Putter(hostile)
    await putter.putImmutable(encodeBlock(forged)).done
    const channels = new Channels({ engine: hostile, getter: new Getter(hostile), putter, seq: new SeqClock(), chainId: genesis.chainId, blockTimeS: T })
    channels.publish('blkTip', { h: blockId(forged), n: HEIGHT + 1, d: forged.d })

    await waitFor(() => client.ctx.chain.tip().n === HEIGHT && (client.ctx.peers.get(liar.publicKey)?.penalties ?? 0) > 0, {
      timeoutMs: 90_000, what: 'the served tip, and the liar penalised',
      describe: () => `client ${tipOf(client)}, liar penalties ${client.ctx.peers.get(liar.publicKey)?.penalties}`
    })
    expect(toHex(client.ctx.chain.tip().id)).to.equal(toHex(main[HEIGHT - 1].id))
    for (const b of main) expect(client.ctx.chain.hasBlock(b.id)).to.equal(true)
    expect(client.ctx.chain.hasBlock(blockId(forged))).to.equal(false)
    // Refused by the walk before any import (no reason recorded) when it was synced before the
    // served chain; when the served chain came first (tips are ordered by their fetched blocks, and
    // probed several at once), the walk has nothing to fetch under it and the import refuses it by
    // its header (its b, g and d are copied from its parent, so a derived-field code).
    const reason = client.ctx.chain.invalidReason(blockId(forged))
    expect(reason === undefined || ['BLOCK_BAD_BASE_TARGET', 'BLOCK_BAD_GENERATION_SIGNATURE', 'BLOCK_BAD_DIFFICULTY'].includes(reason), String(reason)).to.equal(true)
  })

  it('a node on a fork that parts inside a segment switches to the served branch', async () => {
    const client = await startNode('forked', keyPairFromSeed('sync-walk-forked'), serverEndpoint)
    expect(client.ctx.chain.tip().n).to.equal(FORK_AFTER + 3)
    await waitFor(() => toHex(client.ctx.chain.tip().id) === toHex(main[HEIGHT - 1].id), {
      timeoutMs: 90_000, what: 'the forked node to switch to the served tip', describe: () => `client ${tipOf(client)}`
    })
    for (const b of main) expect(client.ctx.chain.hasBlock(b.id)).to.equal(true)
    const parted = client.ctx.chain.getBlockAt(FORK_AFTER + 1)
    expect(parted === undefined ? '' : toHex(blockId(parted))).to.equal(toHex(main[FORK_AFTER].id))
  })
})
