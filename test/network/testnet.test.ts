// Real multi-node runs of the testnet tool: node processes started through the CLI (`tau-node start`),
// UDP DHTs and REST APIs on 127.0.0.1, LevelDB in temp dirs. The testnet code is used as a library so
// the assertions see the real figures. Every wait is bounded; every process is stopped in after/finally.
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ApiError } from '../../scripts/testnet/api.js'
import { blocksTimeoutMs, healthyTimeoutMs, maxBlockTimeS } from '../../scripts/testnet/constants.js'
import { jemallocPath } from '../../scripts/testnet/allocator.js'
import { secp256k1Backend } from '../../chain/secp256k1.mjs'
import { REPO_ROOT, Testnet } from '../../scripts/testnet/network.js'
import { partition } from '../../scripts/testnet/scenarios/partition.js'
import { kill } from '../../scripts/testnet/scenarios/restart.js'
import type { ScenarioContext } from '../../scripts/testnet/scenarios/types.js'
import { TxSender } from '../../scripts/testnet/txSender.js'
import { waitFor } from '../../scripts/testnet/wait.js'

const BLOCK_TIME_S = 10

/** Why the node cannot run yet (its `start` command is missing), or undefined when it can. */
function nodeMissing (): string | undefined {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'tau-node.js'), 'start', '--help'], { encoding: 'utf8', timeout: 30_000 })
  return r.status === 0 ? undefined : `\`tau-node start --help\` exits ${String(r.status)}: ${(r.stderr || r.stdout).split('\n')[0]}`
}

/** Why the node cannot be partitioned (POST /admin/dht/block is missing), or undefined when it can. */
async function partitionMissing (net: Testnet): Promise<string | undefined> {
  try {
    await net.nodes[0].api.blockEndpoints(net.adminToken(0), [])
    return undefined
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return `the node has no POST /admin/dht/block (${e.message})`
    throw e
  }
}

/** Waits (bounded: six liveness intervals) until every node reports these transfers as mined. */
async function waitMined (ctx: ScenarioContext, ids: string[]): Promise<void> {
  await waitFor(async () => {
    const c = await ctx.tx.check(ids)
    return c.mined === ids.length ? true : undefined
  }, {
    timeoutMs: 6 * maxBlockTimeS(BLOCK_TIME_S) * 1000, intervalMs: 2_000, what: 'the transfers to be mined on every node',
    describe: async () => `fates: ${JSON.stringify([...(await ctx.tx.check(ids)).fates])}\n${await ctx.net.describe()}`
  })
}

const log = (e: Record<string, unknown>): void => { console.log(`      testnet: ${JSON.stringify(e)}`) }

async function teardown (net: Testnet | undefined): Promise<void> {
  if (net === undefined) return
  const stops = await net.stop()
  net.removeDir()
  const forced = stops.filter(s => s.forced).map(s => s.name)
  if (forced.length > 0) log({ note: 'needed SIGKILL after the grace period', nodes: forced })
}

async function startNetwork (seed: string): Promise<Testnet> {
  const net = await Testnet.create({ nodes: 4, blockTime: BLOCK_TIME_S, mutableRange: 6, seed })
  net.start()
  await net.waitHealthy({ timeoutMs: healthyTimeoutMs(BLOCK_TIME_S) })
  return net
}

describe('testnet: real nodes on 127.0.0.1', function () {
  // Bounded by the waits inside; this is only the outer guard.
  this.timeout(6 * 60_000)

  before(function () {
    // The node is part of this repo: if it cannot start, these tests fail loudly (never skip).
    const missing = nodeMissing()
    if (missing !== undefined) throw new Error(`the node cannot start: ${missing} (node contract: docs/testnet.md)`)
  })

  it(`4 nodes with blockTime ${BLOCK_TIME_S} reach height ≥ 5 and agree on one tip hash`, async () => {
    let net: Testnet | undefined
    try {
      net = await startNetwork('tau-ci-basic')
      const c = await net.waitConverged({ minHeight: 5, timeoutMs: blocksTimeoutMs(5, BLOCK_TIME_S) })
      const views = await net.poll()
      for (const v of views) {
        expect(v.status?.chainId, v.name).to.equal(net.chainIdHex)
        expect(v.status?.publicKey, v.name).to.equal(net.nodes.find(n => n.name === v.name)?.pubkey)
      }
      expect(c.height).to.be.at.least(5)
      expect(c.tipId).to.match(/^[0-9a-f]{64}$/)
      log({ converged: c, minedPerNode: net.nodes.map(n => n.events.mined.length), votingRounds: net.nodes.map(n => n.events.votes) })
      // Every main-chain block was mined by one of these nodes and logged as such.
      expect(net.nodes.reduce((a, n) => a + n.events.mined.length, 0)).to.be.at.least(c.height)
      // The testnet runs its nodes on jemalloc where it is installed, as the image and the unit do
      // (scripts/testnet/allocator.ts; .ci/run installs libjemalloc2): each node says so when it starts.
      const allocator = jemallocPath() !== undefined ? 'jemalloc' : 'libc'
      for (const n of net.nodes) {
        const starting = readFileSync(n.logPath, 'utf8').split('\n').find(l => l.includes('"node starting"'))
        expect(starting, n.name).to.be.a('string')
        const line = JSON.parse(starting ?? '{}') as { allocator?: string, secp256k1?: string, v8PoolSize?: number | null }
        expect(line.allocator, n.name).to.equal(allocator)
        // ... with one V8 helper thread (NODE_PROCESS_FLAGS), as the image, the unit and npm start run it.
        expect(line.v8PoolSize, n.name).to.equal(1)
        expect(line.secp256k1, n.name).to.equal(secp256k1Backend().name)
      }
    } finally {
      await teardown(net)
    }
  })

  describe('kill and partition on one 4-node network', () => {
    let net: Testnet | undefined
    let ctx: ScenarioContext

    before(async () => {
      net = await startNetwork('tau-ci-scenarios')
      ctx = { net, tx: new TxSender(net), report: log, txRate: 1, partitionMs: 30_000 }
      await net.waitConverged({ minHeight: 1, timeoutMs: blocksTimeoutMs(1, BLOCK_TIME_S) })
    })

    after(async () => { await teardown(net) })

    it('kill: a SIGKILLed node restarts on its data dir and catches up; mined transfers stay mined', async () => {
      // Two transfers, one through the node about to die, mined on every node before the kill.
      const sent = await Promise.all([ctx.tx.send(0, 3, 'kill'), ctx.tx.send(3, 0, 'kill')])
      expect(sent.every(s => s !== undefined), JSON.stringify(ctx.tx.rejected)).to.equal(true)
      const ids = sent.map(s => s?.id ?? '')
      await waitMined(ctx, ids)
      const k = await kill(ctx)
      log({ kill: { ok: k.ok, convergenceS: (k.convergenceMs ?? 0) / 1000, ...k.details } })
      expect(k.ok, k.error).to.equal(true)
      expect(k.details.heightAfter as number).to.be.at.least(k.details.othersHeightWhileDown as number)
      expect(ctx.net.nodes[3].starts).to.equal(2)
      // Mined on every node, the restarted one included (it reads them from its own store).
      const check = await ctx.tx.check(ids)
      expect(check.mined, `fates: ${JSON.stringify([...check.fates])}`).to.equal(ids.length)
    })

    it('partition: both sides mine, then all agree and no mined transaction is lost', async function () {
      const missing = await partitionMissing(ctx.net)
      expect(missing, 'POST /admin/dht/block (node contract, docs/testnet.md)').to.equal(undefined)
      const p = await partition(ctx)
      log({ partition: { ok: p.ok, convergenceS: (p.convergenceMs ?? 0) / 1000, ...p.details } })
      expect(p.ok, p.error).to.equal(true)
      const minedDuring = p.details.minedDuring as number[]
      expect(minedDuring[0], 'group A mined while split').to.be.greaterThan(0)
      expect(minedDuring[1], 'group B mined while split').to.be.greaterThan(0)
      expect(p.details.tipsDiverged, 'the two sides had different tips while split').to.equal(true)
      const final = p.details.final as { lost: number, conflict: number }
      expect(p.details.transfers as number).to.be.greaterThan(0)
      expect(final.lost, `lost transfers: ${JSON.stringify(p.details.lostTransfers)}`).to.equal(0)
      expect(final.conflict).to.equal(0)
      // Every transfer ever accepted (kill and partition) is still known: mined, or back in a pool.
      const all = await ctx.tx.check(ctx.tx.sent.map(s => s.id))
      expect(all.lost).to.equal(0)
      const end = await ctx.net.waitConverged({ what: 'the final agreement' })
      log({ final: end, transfers: { sent: ctx.tx.sent.length, mined: all.mined, partlyMined: all.partlyMined, pool: all.pool } })
    })
  })
})
