// What a node publishes in blkTip.e, on real in-process nodes (UDP DHT on 127.0.0.1, LevelDB in a
// temp dir): --public-endpoint wins and is what the peer records for it; a node bound to 0.0.0.0
// with fewer than 3 agreeing reporters publishes no endpoint rather than 0.0.0.0.
import { expect } from 'chai'
import { keyPairFromSeed } from '../../chain/crypto.js'
import { buildGenesis } from '../../chain/genesis.js'
import { statusOf } from '../../node/api/routes/node.js'
import { NodeHarness } from '../helpers/nodeHarness.js'
import { waitFor } from '../helpers/wait.js'

describe('public endpoint in blkTip.e (--public-endpoint, 0.0.0.0 bind)', function () {
  this.timeout(60_000)
  let h: NodeHarness
  const keys = [0, 1].map(i => keyPairFromSeed(`public-endpoint-test-${i}`))

  before(() => {
    h = new NodeHarness(buildGenesis({
      name: 'pub-endpoint', timestamp: Math.floor(Date.now() / 1000), blockTime: 10, mutableRange: 6, minFee: 1, blockReward: 10,
      accounts: keys.map(k => ({ pubkey: k.publicKey, balance: 1_000_000, power: 1e10 }))
    }))
  })
  after(async () => { await h?.close() })

  it('publishes the flag value (source "flag") and an unsure 0.0.0.0 node publishes nothing (source "none")', async () => {
    // 127.0.0.2 is loopback: nothing listens there, so a direct get to it only times out locally.
    const a = await h.start('a', keys[0], { flags: { 'public-endpoint': '127.0.0.2:7000' } })
    const b = await h.start('b', keys[1], { bootstrap: [a.ctx.engine.endpoint], flags: { 'dht-host': '0.0.0.0' } })
    expect(statusOf(a).endpoints).to.deep.include({ public: '127.0.0.2:7000', source: 'flag' })
    expect(b.ctx.engine.endpoint.host).to.equal('0.0.0.0')
    const bStatus = statusOf(b).endpoints as { public: string | null, source: string, bound: string }
    expect(bStatus).to.include({ public: null, source: 'none', bound: `0.0.0.0:${b.ctx.engine.endpoint.port}` })
    // b reads a's blkTip and records the endpoint a published; a records none for b.
    await waitFor(() => b.ctx.peers.get(keys[0].publicKey)?.endpoint !== undefined && a.ctx.peers.get(keys[1].publicKey)?.lastSeenMs !== undefined, {
      timeoutMs: 30_000, intervalMs: 200, what: 'each node to read the other one\'s blkTip'
    })
    expect(b.ctx.peers.get(keys[0].publicKey)?.endpoint).to.deep.equal({ host: '127.0.0.2', port: 7000 })
    expect(a.ctx.peers.get(keys[1].publicKey)?.endpoint).to.equal(undefined)
    // One reporter (a) is not enough agreement.
    expect(b.ctx.engine.external.view().reporters).to.be.at.most(1)
  })
})
