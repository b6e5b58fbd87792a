// Every scenario's flow against stand-in nodes (fixtures/fakeNode.mjs), with short down and split
// times: what each one does to the processes and what it reports. The real runs are network tests.
import { expect } from 'chai'
import { fileURLToPath } from 'node:url'
import { Testnet } from '../../../../scripts/testnet/network.js'
import { join } from '../../../../scripts/testnet/scenarios/join.js'
import { partition, splitInTwo } from '../../../../scripts/testnet/scenarios/partition.js'
import { kill, restart, victimOf } from '../../../../scripts/testnet/scenarios/restart.js'
import { TxLoad } from '../../../../scripts/testnet/scenarios/txLoad.js'
import type { ScenarioContext } from '../../../../scripts/testnet/scenarios/types.js'
import { TxSender } from '../../../../scripts/testnet/txSender.js'

const FAKE = fileURLToPath(new URL('./fixtures/fakeNode.mjs', import.meta.url))

describe('testnet scenarios (stand-in nodes)', function () {
  this.timeout(60_000)
  let net: Testnet
  let ctx: ScenarioContext
  const events: Array<Record<string, unknown>> = []

  before(async () => {
    net = await Testnet.create({ nodes: 4, blockTime: 10, mutableRange: 6, nodeScript: FAKE, spareNodes: 1 })
    ctx = { net, tx: new TxSender(net), report: e => events.push(e), txRate: 5, partitionMs: 3_000, downMs: 1_000 }
    net.start()
    await net.waitHealthy({ timeoutMs: 20_000 })
  })

  after(async () => {
    await net.stop(2_000)
    net.removeDir()
  })

  it('splits nodes in two groups, first half rounded up', () => {
    expect(splitInTwo([0, 1, 2, 3])).to.deep.equal([[0, 1], [2, 3]])
    expect(splitInTwo([0, 1, 2])).to.deep.equal([[0, 1], [2]])
    expect(victimOf(net)).to.equal(3)
  })

  it('kill: SIGKILLs the last genesis node, restarts it, and times the catch-up', async () => {
    const r = await kill(ctx)
    expect(r.ok, r.error).to.equal(true)
    expect(r.details.node).to.equal('node-3')
    expect((r.details.exit as { signal: string }).signal).to.equal('SIGKILL')
    expect(r.convergenceMs).to.be.a('number')
    expect(net.nodes[3].starts).to.equal(2)
    expect(events.some(e => e.scenario === 'kill' && e.phase === 'SIGKILL')).to.equal(true)
  })

  it('restart: a graceful stop must exit 0', async () => {
    const r = await restart(ctx)
    expect(r.ok, r.error).to.equal(true)
    expect(r.details.cleanExit).to.equal(true)
    expect(net.nodes[3].starts).to.equal(3)
  })

  it('tx-load + partition: both sides mine and take transfers; none is lost after the heal', async () => {
    const load = new TxLoad(ctx)
    load.start()
    let r
    try {
      r = await partition(ctx)
    } finally {
      await load.stop()
    }
    expect(r.ok, r.error).to.equal(true)
    expect(r.details.groups).to.deep.equal([['node-0', 'node-1'], ['node-2', 'node-3']])
    expect(r.details.tipsDiverged).to.equal(true)
    expect((r.details.transfers as number)).to.be.greaterThan(0)
    expect((r.details.final as { lost: number }).lost).to.equal(0)
    const l = await load.finish()
    expect(l.ok, l.error).to.equal(true)
    expect(l.details.accepted as number).to.be.greaterThan(5)
    expect(l.details.mined).to.equal(l.details.accepted)
    expect(l.details.rejected).to.equal(0)
  })

  it('join: a new non-genesis node becomes healthy and agrees', async () => {
    const r = await join(ctx)
    expect(r.ok, r.error).to.equal(true)
    expect(r.details.node).to.equal('node-4')
    expect(net.nodes[4].inGenesis).to.equal(false)
    expect(net.nodes[4].mine).to.equal(false)
    expect(r.details.votingRoundLogLines).to.equal(1)
  })
})
