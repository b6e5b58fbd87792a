// The operator override of PROTOCOL §6 against real nodes (in-process TauNodes on real UDP DHT nodes
// on 127.0.0.1, real LevelDB): a node started with --checkpoint on a block of a branch it did not
// follow ends on that branch; one given an id nobody holds waits and says so (log and /status); the
// admin route does the same on a running node; a malformed id is a usage error of the CLI (exit 2).
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { join } from 'node:path'
import { keyPairFromSeed, type KeyPair } from '../../chain/crypto.js'
import { buildGenesis } from '../../chain/genesis.js'
import { potParams } from '../../chain/consensus/pot.js'
import { toHex } from '../../chain/hex.js'
import type { Endpoint } from '../../dht/endpoint.js'
import type { TauNode } from '../../node/node.js'
import { statusOf } from '../../node/api/routes/node.js'
import { type Built, ChainBuilder } from '../helpers/chainBuilder.js'
import { NodeHarness } from '../helpers/nodeHarness.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const M = 3

describe('trusted checkpoint (--checkpoint, POST /admin/checkpoint)', function () {
  this.timeout(120_000)
  let h: NodeHarness
  let heavy: Built[]
  let light: Built[]
  let serverEndpoint: Endpoint
  const startNode = async (name: string, key: KeyPair, flags: Record<string, string> = {}, log?: PassThrough): Promise<TauNode> =>
    await h.start(name, key, { bootstrap: serverEndpoint === undefined ? [] : [serverEndpoint], flags, log })

  before(async () => {
    const keys = [0, 1, 2].map(i => keyPairFromSeed(`trusted-cp-test-${i}`))
    const genesis = buildGenesis({
      name: 'trusted-cp-test', timestamp: Math.floor(Date.now() / 1000) - 3000,
      blockTime: T, mutableRange: M, minFee: 1, blockReward: 10,
      accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000, power: [1e12, 1e10, 1e10][i] }))
    })
    h = new NodeHarness(genesis)
    const builder = new ChainBuilder({ genesis, keys })
    heavy = builder.extend(builder.root, 30, { speed: 'fast' })
    // A lighter branch from height 5 at MAX_BT spacing: 25 blocks deep under the heavy tip, far past 3M.
    const maxBt = Number(potParams(T).MAX_BT)
    light = []
    let cur = heavy[4]
    for (let k = 0; k < 8; k++) light.push(cur = builder.child(cur, { miner: 2, t: cur.block.t + maxBt }))
    await h.prepare('server', [...heavy.slice(0, 5), ...light], builder)
    await h.prepare('client', heavy, builder)
    await h.prepare('admin', heavy, builder)
    const server = await startNode('server', keys[0])
    serverEndpoint = server.ctx.engine.endpoint
  })

  after(async () => { await h.close() })

  it('a node started with --checkpoint on a branch it did not follow ends on that branch', async () => {
    const point = light[3] // height 9
    expect(light[7].block.d < heavy[29].block.d).to.equal(true) // lighter: fork choice alone would never take it
    const client = await startNode('client', keyPairFromSeed('trusted-cp-client'), { checkpoint: toHex(point.id) })
    await waitFor(() => toHex(client.ctx.chain.tip().id) === toHex(light[7].id), {
      timeoutMs: 60_000, what: 'the client to end on the trusted branch', describe: () => `client at ${client.ctx.chain.tip().n}`
    })
    // The trusted point, or a later voting round's point on the same branch (it only moves forward).
    const cp = client.ctx.chain.consensusPoint()
    expect(light.slice(3).map(x => toHex(x.id))).to.include(toHex(cp.id))
    expect(statusOf(client).pendingPoints).to.deep.equal([])
  })

  it('an id nobody holds: the node waits, says so in its log and /status, and keeps running', async () => {
    const log = new PassThrough()
    const lines: string[] = []
    log.on('data', d => lines.push(...String(d).trim().split('\n')))
    const unknown = 'ab'.repeat(32)
    const n = await startNode('waiting', keyPairFromSeed('trusted-cp-waiting'), { checkpoint: unknown }, log)
    await waitFor(() => lines.some(l => l.includes('trusted checkpoint not held yet')), { timeoutMs: 20_000, what: 'the waiting log line', describe: () => lines.slice(-5).join('\n') })
    expect(statusOf(n).pendingPoints).to.deep.equal([{ id: unknown, mode: 'trusted' }])
    // It still syncs the network's chain meanwhile.
    await waitFor(() => n.ctx.chain.tip().n === light[7].block.n, { timeoutMs: 60_000, what: 'the waiting node to sync', describe: () => `at ${n.ctx.chain.tip().n}` })
    expect(statusOf(n).pendingPoints).to.have.length(1)
  })

  it('POST /admin/checkpoint: loopback + token; a held branch is adopted at once; a bad id is 400', async () => {
    const admin = await startNode('admin', keyPairFromSeed('trusted-cp-admin'))
    const url = `http://127.0.0.1:${(admin.http!.address() as { port: number }).port}/admin/checkpoint`
    const post = async (body: unknown, token = admin.adminToken): Promise<{ status: number, json: Record<string, unknown> }> => {
      const r = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      return { status: r.status, json: await r.json() as Record<string, unknown> }
    }
    expect((await post({ id: toHex(light[1].id) }, 'wrong')).status).to.equal(401)
    expect((await post({ id: 'xyz' })).json.code).to.equal('BAD_CHECKPOINT')
    const r = await post({ id: toHex(light[1].id) })
    expect(r.status).to.be.oneOf([200, 202])
    await waitFor(() => toHex(admin.ctx.chain.tip().id) === toHex(light[7].id), {
      timeoutMs: 60_000, what: 'the admin node to end on the trusted branch', describe: () => `admin at ${admin.ctx.chain.tip().n}`
    })
    expect(light.slice(1).map(x => toHex(x.id))).to.include(toHex(admin.ctx.chain.consensusPoint().id))
  })

  it('a malformed --checkpoint is a usage error that names the setting', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'node/cli.ts', 'start', '--checkpoint', 'not-a-block-id', '--data-dir', join(h.dir, 'bad')], { encoding: 'utf8', timeout: 30_000 })
    expect(r.status).to.equal(2)
    expect(r.stderr).to.match(/CONFIG_BAD_VALUE: checkpoint \(from --checkpoint\) must be a block id/)
  })
})
