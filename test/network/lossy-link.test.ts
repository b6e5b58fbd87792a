// Real node processes (CLI, UDP DHT on 127.0.0.1, LevelDB in temp dirs) over an emulated bad link:
// every node's outgoing DHT datagrams wait 80 ms ± 20 ms and 2 % are lost (dht/link.ts, set up by
// the testnet tool). Four miners converge on one tip hash, no transfer is lost, a joining node's
// voting round completes, and each node publishes the endpoint its peers see (BEP 42 `ip`).
import { expect } from 'chai'
import { blocksTimeoutMs, convergeTimeoutMs, healthyTimeoutMs, maxBlockTimeS } from '../../scripts/testnet/constants.js'
import { Testnet } from '../../scripts/testnet/network.js'
import { join } from '../../scripts/testnet/scenarios/join.js'
import type { ScenarioContext } from '../../scripts/testnet/scenarios/types.js'
import { TxSender } from '../../scripts/testnet/txSender.js'
import { waitFor } from '../../scripts/testnet/wait.js'

const BLOCK_TIME_S = 10
const LINK = { latencyMs: 80, jitterMs: 20, lossPct: 2 }
// Two link groups with the same link between them: every link stays 80 ± 20 ms, 2 %, and the
// per-group-pair path (--link-far-*) is exercised end to end.
const SPEC = { ...LINK, groups: 2, between: LINK }
const log = (e: Record<string, unknown>): void => { console.log(`      lossy: ${JSON.stringify(e)}`) }

describe('testnet over an emulated link: 80 ms ± 20 ms, 2 % loss', function () {
  this.timeout(8 * 60_000) // outer guard; every wait inside has its own deadline
  let net: Testnet | undefined
  let ctx: ScenarioContext

  before(async () => {
    net = await Testnet.create({ nodes: 4, blockTime: BLOCK_TIME_S, mutableRange: 6, seed: 'tau-ci-lossy', spareNodes: 1, link: SPEC })
    ctx = { net, tx: new TxSender(net), report: log, txRate: 1 }
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(BLOCK_TIME_S) })
  })

  after(async () => {
    if (net === undefined) return
    await net.stop()
    net.removeDir()
  })

  it('every node shows the emulated link in /status', async () => {
    const views = await net!.poll()
    for (const v of views) expect(v.status?.link, v.name).to.deep.include({ emulated: true, ...LINK })
    // Nodes 0–1 and 2–3 (+ the joiner, slot 4) are the two groups: each node knows the other group's nodes.
    expect(views.map(v => v.status?.link?.far)).to.deep.equal([
      { ...LINK, peers: 3 }, { ...LINK, peers: 3 }, { ...LINK, peers: 2 }, { ...LINK, peers: 2 }
    ])
  })

  it('4 miners converge, transfers are mined on every node and none is lost', async () => {
    const first = await net!.waitConverged({ minHeight: 2, timeoutMs: blocksTimeoutMs(2, BLOCK_TIME_S) })
    const sent = await Promise.all([ctx.tx.send(0, 1, 'lossy'), ctx.tx.send(1, 2, 'lossy'), ctx.tx.send(2, 3, 'lossy'), ctx.tx.send(3, 0, 'lossy')])
    expect(sent.every(s => s !== undefined), JSON.stringify(ctx.tx.rejected)).to.equal(true)
    const ids = sent.map(s => s?.id ?? '')
    await waitFor(async () => (await ctx.tx.check(ids)).mined === ids.length ? true : undefined, {
      timeoutMs: 8 * maxBlockTimeS(BLOCK_TIME_S) * 1000, intervalMs: 2_000, what: 'the transfers to be mined on every node',
      describe: async () => `fates: ${JSON.stringify([...(await ctx.tx.check(ids)).fates])}\n${await net!.describe()}`
    })
    const end = await net!.waitConverged({ minHeight: first.height + 1, timeoutMs: convergeTimeoutMs(BLOCK_TIME_S) })
    const check = await ctx.tx.check(ids)
    expect(check.lost).to.equal(0)
    expect(check.mined).to.equal(ids.length)
    const views = await net!.poll()
    log({ converged: end, link: views.map(v => v.status?.link), directGets: views.map(v => v.status?.directGets) })
  })

  it('a joining node completes its voting round and syncs to the same tip', async () => {
    const r = await join(ctx)
    log({ join: { ok: r.ok, convergenceS: (r.convergenceMs ?? 0) / 1000, ...r.details } })
    expect(r.ok, r.error).to.equal(true)
    const joined = net!.nodes[4]
    expect(joined.events.votes, 'voting rounds logged by the joining node').to.be.at.least(1)
  })

  it("each node publishes the endpoint its peers see (learnt from their BEP 42 'ip' reports)", async () => {
    await waitFor(async () => {
      const views = await net!.poll()
      return views.every(v => v.status?.endpoints?.source === 'peers') ? true : undefined
    }, {
      timeoutMs: 60_000, intervalMs: 2_000, what: 'every node to learn its endpoint from its peers',
      describe: async () => (await net!.poll()).map(v => `${v.name}: ${JSON.stringify(v.status?.endpoints)}`).join('\n')
    })
    for (const n of net!.nodes) {
      const s = (await n.api.status())
      expect(s.endpoints?.public, n.name).to.equal(`127.0.0.1:${n.ports.dht}`)
      expect(s.endpoints?.bound, n.name).to.equal(`127.0.0.1:${n.ports.dht}`)
    }
  })
})
