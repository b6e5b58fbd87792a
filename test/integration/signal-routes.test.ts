// Every signal of SIGNAL_ROUTES has its producer and its consumer in a running node, and the live
// chain flows through them: a node one block behind a peer takes that block through the mining
// pipeline's signals (its tip, its block, its transactions from the DHT) and imports it without a
// sync walk; its start-up voting round gets the peer's answer as voting signals. Real in-process
// nodes on real UDP DHT nodes on 127.0.0.1, real LevelDB in temp dirs.
import { expect } from 'chai'
import { keyPairFromSeed, type KeyPair } from '../../chain/crypto.js'
import { type Genesis, buildGenesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { SIGNAL_ROUTES, SIGNAL_TYPES } from '../../node/signals.js'
import type { TauNode } from '../../node/node.js'
import { type Built, ChainBuilder } from '../helpers/chainBuilder.js'
import { NodeHarness } from '../helpers/nodeHarness.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const M = 6
const HEIGHT = 10
const TXS = 3

describe('signals: every type produced and consumed; the next block through the mining signals (real nodes)', function () {
  this.timeout(90_000)
  let genesis: Genesis
  let keys: KeyPair[]
  let main: Built[]
  let server: TauNode
  let client: TauNode
  let h: NodeHarness

  before(async () => {
    keys = [0, 1, 2].map(i => keyPairFromSeed(`signal-routes-test-${i}`))
    genesis = buildGenesis({
      name: 'signal-routes', timestamp: Math.floor(Date.now() / 1000) - HEIGHT * T * 3 - 600,
      blockTime: T, mutableRange: M, minFee: 1, blockReward: 10,
      accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000, power: [1e12, 1e10, 1e10][i] }))
    })
    h = new NodeHarness(genesis)
    const builder = new ChainBuilder({ genesis, keys })
    main = builder.extend(builder.root, HEIGHT, { speed: 'fast', txs: TXS })
    await h.prepare('server', main, builder)
    await h.prepare('client', main.slice(0, HEIGHT - 1), builder)
    server = await h.start('server', keys[0], { flags: { 'log-level': 'error' } })
    client = await h.start('client', keyPairFromSeed('signal-routes-client'), { bootstrap: [server.ctx.engine.endpoint], flags: { 'log-level': 'error' } })
  })

  after(async () => {
    await h.close()
  })

  it('a running node has the producer and the consumer SIGNAL_ROUTES names for every type', () => {
    const { router } = client.ctx
    for (const t of SIGNAL_TYPES) {
      expect([...router.producers.get(t) ?? []], `producer of ${t}`).to.deep.equal([SIGNAL_ROUTES[t].producer])
      expect([...router.consumers.get(t) ?? []], `consumer of ${t}`).to.deep.equal([SIGNAL_ROUTES[t].consumer])
    }
  })

  it("the peer's next block comes as mining signals and is imported by the mining pipeline, its transactions fetched", async () => {
    const top = main[HEIGHT - 1]
    expect(top.block.x.length).to.equal(TXS)
    await waitFor(() => toHex(client.ctx.chain.tip().id) === toHex(top.id), { timeoutMs: 60_000, what: "the client on the server's tip" })
    const { counts } = client.ctx.router
    expect(counts.get('TIP_BLOCK_FROM_PEER_FOR_MINING') ?? 0).to.be.greaterThan(0)
    expect(counts.get('GET_HISTORY_BLOCK_FOR_MINING') ?? 0).to.be.greaterThan(0)
    // None of its transactions was in the client's pool or store: each came from the DHT as a signal.
    expect(counts.get('GET_HISTORY_BLOCK_TX_FOR_MINING') ?? 0).to.be.at.least(TXS)
    expect(client.mining.candidates.counts.imported).to.equal(1)
    expect(client.mining.candidates.counts.invalid).to.equal(0)
  })

  it("the start-up voting round got the peer's answer through the voting signals", async () => {
    await waitFor(() => client.ctx.state.voteRounds.length > 0, { timeoutMs: 60_000, what: 'a voting round' })
    const round = client.ctx.state.voteRounds[0]
    const serverVote = round.votes.find(v => v.key === toHex(keys[0].publicKey))
    expect(serverVote?.valid, JSON.stringify(serverVote)).to.equal(true)
    expect(client.ctx.router.counts.get('TIP_BLOCK_FROM_PEER_FOR_VOTING') ?? 0).to.be.greaterThan(0)
    expect(client.voting.answers.counts.taken).to.be.greaterThan(0)
  })
})
