// Attack 4 of voting v1, against real nodes (in-process TauNodes on real UDP DHT nodes, real LevelDB):
// a fresh node is offered a heavier branch by a key with almost no power and a lighter one by the key
// holding nearly all of it. Its empty-chain round decides for the lighter branch's checkpoint, so the
// node must fetch that chain although it is lighter than what it may already hold, adopt it, and from
// then on refuse the heavier branch (it does not contain the consensus point), with one warning.
import { expect } from 'chai'
import { PassThrough } from 'node:stream'
import { keyPairFromSeed } from '../../chain/crypto.js'
import { buildGenesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { statusOf } from '../../node/api/routes/node.js'
import { type Built, ChainBuilder } from '../helpers/chainBuilder.js'
import { NodeHarness } from '../helpers/nodeHarness.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const M = 3

describe('a voted checkpoint is fetched whatever its claimed difficulty (real nodes)', function () {
  this.timeout(180_000)
  let h: NodeHarness
  let honest: Built[]
  let heavy: Built[]
  const keys = ['honest', 'cheap'].map(n => keyPairFromSeed(`vote-adoption-${n}`))

  before(async () => {
    const genesis = buildGenesis({
      name: 'vote-adoption', timestamp: Math.floor(Date.now() / 1000) - 3000, blockTime: T, mutableRange: M, minFee: 1, blockReward: 10,
      accounts: [{ pubkey: keys[0].publicKey, balance: 1_000_000, power: 1e12 }, { pubkey: keys[1].publicKey, balance: 1_000_000, power: 1e6 }]
    })
    h = new NodeHarness(genesis)
    const builder = new ChainBuilder({ genesis, keys })
    honest = builder.extend(builder.root, 10, { speed: 'fast', miner: 0 })
    heavy = builder.extend(builder.root, 40, { speed: 'fast', miner: 1 })
    expect(heavy[39].block.d > honest[9].block.d).to.equal(true)
    await h.prepare('honest', honest, builder)
    await h.prepare('cheap', heavy, builder)
  })

  after(async () => { await h.close() })

  it('a fresh node ends on the voted (lighter) chain and refuses the heavier one', async () => {
    const a = await h.start('honest', keys[0])
    const b = await h.start('cheap', keys[1], { bootstrap: [a.ctx.engine.endpoint] })
    const log = new PassThrough()
    const lines: string[] = []
    log.on('data', d => lines.push(...String(d).trim().split('\n')))
    const fresh = await h.start('fresh', keyPairFromSeed('vote-adoption-fresh'), { bootstrap: [a.ctx.engine.endpoint, b.ctx.engine.endpoint], log, flags: { 'log-level': 'debug' } })
    await waitFor(() => fresh.ctx.state.voteRounds.some(r => r.reason === 'empty-chain'), { timeoutMs: 100_000, what: 'the empty-chain round', describe: () => lines.slice(-30).join('\n') })
    const round = fresh.ctx.state.voteRounds.find(r => r.reason === 'empty-chain')!
    expect(round.decision.kind, JSON.stringify(round)).to.equal('adopt')
    expect(round.decision.checkpointId).to.equal(toHex(honest[5].id)) // cp(10) = 6 with M = 3
    await waitFor(() => toHex(fresh.ctx.chain.tip().id) === toHex(honest[9].id), {
      timeoutMs: 60_000, what: 'the fresh node on the honest tip', describe: () => `fresh at ${fresh.ctx.chain.tip().n}, round ${JSON.stringify(round.outcome)}`
    })
    expect(toHex(fresh.ctx.chain.consensusPoint().id)).to.equal(toHex(honest[5].id))
    // The heavier branch is read again and again (the cheap node keeps publishing it): refused, one warning.
    await waitFor(() => statusOf(fresh).warningDetails !== undefined && (statusOf(fresh).warnings as string[]).length > 0, {
      timeoutMs: 30_000, what: 'the heavier branch refused with a warning', describe: () => JSON.stringify(statusOf(fresh).warnings)
    })
    const warnings = statusOf(fresh).warningDetails as Array<{ reason: string }>
    expect(warnings.map(w => w.reason)).to.deep.equal(['below-consensus-point'])
    expect(toHex(fresh.ctx.chain.tip().id)).to.equal(toHex(honest[9].id))
  })
})
