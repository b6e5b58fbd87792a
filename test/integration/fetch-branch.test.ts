// fetchBranchFor (node/pipelines/sync.ts), the sync entry point for voting: it fetches and imports
// the branch behind a peer's tip whatever the tip claims, even less than ours (offer() would drop
// such a tip). Real in-process nodes on real UDP DHT nodes on 127.0.0.1, real LevelDB in temp dirs.
import { expect } from 'chai'
import { keyPairFromSeed, type KeyPair } from '../../chain/crypto.js'
import { type Genesis, buildGenesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { txId } from '../../chain/tx.js'
import type { Endpoint } from '../../dht/endpoint.js'
import { TauNode } from '../../node/node.js'
import { type Built, ChainBuilder } from '../helpers/chainBuilder.js'
import { NodeHarness } from '../helpers/nodeHarness.js'

const T = 10
const M = 6
const HEIGHT = 14
const FORK_AFTER = 6
const FORK_BLOCKS = 4

describe('sync: fetchBranchFor (real nodes)', function () {
  this.timeout(90_000)
  let genesis: Genesis
  let keys: KeyPair[]
  let main: Built[]
  let fork: Built[]
  let server: TauNode
  let client: TauNode

  let h: NodeHarness
  const startNode = async (name: string, key: KeyPair, bootstrap?: Endpoint): Promise<TauNode> =>
    await h.start(name, key, { bootstrap: bootstrap === undefined ? [] : [bootstrap], flags: { 'log-level': 'error' } })

  before(async () => {
    keys = [0, 1, 2].map(i => keyPairFromSeed(`fetch-branch-test-${i}`))
    genesis = buildGenesis({
      name: 'fetch-branch', timestamp: Math.floor(Date.now() / 1000) - HEIGHT * T * 3 - 600,
      blockTime: T, mutableRange: M, minFee: 1, blockReward: 10,
      accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000, power: [1e12, 1e10, 1e10][i] }))
    })
    h = new NodeHarness(genesis)
    const builder = new ChainBuilder({ genesis, keys })
    main = builder.extend(builder.root, HEIGHT, { speed: 'fast', txs: 1 })
    // The server's chain: shorter, so lighter, with transactions of its own.
    fork = builder.extend(main[FORK_AFTER - 1], FORK_BLOCKS, { speed: 'fast', txs: 1 })
    expect(fork[FORK_BLOCKS - 1].block.d < main[HEIGHT - 1].block.d).to.equal(true)
    await h.prepare('server', [...main.slice(0, FORK_AFTER), ...fork], builder)
    await h.prepare('client', main, builder)
    server = await startNode('server', keys[0])
    client = await startNode('client', keyPairFromSeed('fetch-branch-client'), server.ctx.engine.endpoint)
  })

  after(async () => {
    await h.close()
  })

  const tipOf = (b: Built): { id: Uint8Array, n: number, d: bigint } => ({ id: b.id, n: b.block.n, d: b.block.d })

  it('ends with SYNC_TIP_MISSING for a tip nobody has, and SYNC_TIP_INVALID for a block unlike its claim', async () => {
    const ghost = { id: new Uint8Array(32).fill(0x5a), n: 3, d: 1n }
    const missing = await client.sync.fetchBranchFor(server.ctx.key.publicKey, ghost, AbortSignal.timeout(30_000))
    expect(missing.ok ? 'ok' : missing.error.code).to.equal('SYNC_TIP_MISSING')
    const lying = { ...tipOf(fork[0]), d: fork[0].block.d + 1n }
    const invalid = await client.sync.fetchBranchFor(server.ctx.key.publicKey, lying, AbortSignal.timeout(30_000))
    expect(invalid.ok ? 'ok' : invalid.error.code).to.equal('SYNC_TIP_INVALID')
  })

  it('resolves SYNC_ABORTED as soon as its signal fires', async () => {
    const ctl = new AbortController()
    const ghost = { id: new Uint8Array(32).fill(0x6b), n: 3, d: 1n }
    const t0 = Date.now()
    const p = client.sync.fetchBranchFor(server.ctx.key.publicKey, ghost, ctl.signal)
    ctl.abort() // while its fetch is in flight
    const out = await p
    expect(out.ok ? 'ok' : out.error.code).to.equal('SYNC_ABORTED')
    expect(Date.now() - t0).to.be.below(200)
  })
  it('imports a lighter branch that offer() ignores, and keeps the heavier tip', async () => {
    const top = fork[FORK_BLOCKS - 1]
    client.sync.offer(server.ctx.key.publicKey, tipOf(top))
    expect(client.sync.tips.pending, 'offer() drops a tip that claims less than ours').to.equal(0)
    const out = await client.sync.fetchBranchFor(server.ctx.key.publicKey, tipOf(top), AbortSignal.timeout(60_000))
    expect(out.ok, out.ok ? '' : out.error.code).to.equal(true)
    if (out.ok) expect(out.result.kind).to.equal('side')
    for (const b of fork) expect(client.ctx.chain.hasBlock(b.id), `fork block ${b.block.n}`).to.equal(true)
    for (const t of fork.flatMap(b => b.txs)) expect(client.ctx.chain.getTx(txId(t))).to.not.equal(undefined)
    expect(toHex(client.ctx.chain.tip().id)).to.equal(toHex(main[HEIGHT - 1].id))
    // Held now: answered at once.
    const again = await client.sync.fetchBranchFor(server.ctx.key.publicKey, tipOf(top), AbortSignal.timeout(1000))
    expect(again.ok && again.result.kind).to.equal('known')
  })

})
