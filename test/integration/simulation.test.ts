// Deterministic 5-miner simulation (PROTOCOL §4–§8): different powers, a virtual clock, seeded
// 0–3 s delays, 300 blocks with a steady trickle of transfers. All nodes must end on one tip,
// blocks must come every T on average (±25%), and no reorg may leave the mutable range.
import { expect } from 'chai'
import { testGenesis, testKeys } from '../helpers/simChain.js'
import { MemForkChain } from '../helpers/simMemChain.js'
import { RealSimChain } from '../helpers/simRealChain.js'
import { type SimReport, runSimulation } from '../helpers/simNet.js'

describe('simulation: 5 miners, 300 blocks', function () {
  this.timeout(120_000)
  const miners = testKeys(5, 'sim-miner-')
  const wallets = testKeys(4, 'sim-wallet-')
  const T = 10
  const M = 6
  const genesis = testGenesis([...miners, ...wallets], [400, 100, 49, 16, 4, 0, 0, 0, 0], { blockTime: T, mutableRange: M, balance: 10_000_000 })
  let report: SimReport

  before(async () => {
    report = await runSimulation({
      genesis, miners, wallets, txIntervalMs: 3_000, seed: 'tau-sim-1', targetHeight: 300, maxDelayMs: 3_000,
      // The real Chain over LevelDB; SIM_CHAIN=mem swaps in the in-memory stand-in for comparison.
      makeChain: async (_i, now) => process.env.SIM_CHAIN === 'mem' ? new MemForkChain(genesis) : await RealSimChain.open(genesis, now)
    })
  })

  it('ends with every node on the same tip', () => {
    expect(new Set(report.tips).size, JSON.stringify(report.tips)).to.equal(1)
    expect(report.height).to.be.at.least(300)
    expect(report.invalid).to.deep.equal([])
  })

  it('keeps the mean block interval within 25% of the block time', () => {
    expect(report.meanIntervalS).to.be.within(T * 0.75, T * 1.25)
  })

  it('never reorganises beyond the mutable range', () => {
    for (const r of report.reorgs) expect(r.depth, JSON.stringify(r)).to.be.at.most(M)
  })

  it('shares blocks among miners and carries the transfers', () => {
    expect(report.minedBy.filter(n => n > 0).length).to.be.at.least(3)
    expect(report.txsInChain).to.be.at.least(report.txsSent * 0.9)
    console.log(`      sim: height ${report.height}, mean interval ${report.meanIntervalS.toFixed(2)} s, mined by ${report.minedBy.join('/')}, ` +
      `reorgs ${report.reorgs.length} (max depth ${Math.max(0, ...report.reorgs.map(r => r.depth))}), txs ${report.txsInChain}/${report.txsSent}, events ${report.events}`)
  })

  it('replays exactly from its seed (in-memory chains, 100 blocks)', async () => {
    const run = async (): Promise<SimReport> => await runSimulation({
      genesis, miners, wallets, txIntervalMs: 3_000, seed: 'tau-sim-replay', targetHeight: 100, maxDelayMs: 3_000,
      makeChain: async () => new MemForkChain(genesis)
    })
    const a = await run()
    const b = await run()
    // Signatures carry fresh BIP340 aux randomness, so ids differ between runs; nothing else may.
    expect({ ...b, tips: [] }).to.deep.equal({ ...a, tips: [] })
    expect(new Set(a.tips).size).to.equal(1)
  })
})
