// Sync progress (issue 21 item 2) against real nodes: in-process TauNodes on real UDP DHT nodes on
// 127.0.0.1 with real LevelDB. A fresh node syncs a 1,200-block chain (3 transfers each) from a
// serving node whose outgoing DHT datagrams are delayed 80 ms (the emulated link, dht/link.ts): with
// at most 24 transaction gets in flight that caps them at 300 a second, so the 3,600 transactions take
// over 10 s however fast the machine is, long enough to read /status mid-sync and to see two progress lines.
import { expect } from 'chai'
import { PassThrough } from 'node:stream'
import { keyPairFromSeed, type KeyPair } from '../../chain/crypto.js'
import { type Genesis, buildGenesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import type { StatusJson, SyncJson } from '../../node/api/types.js'
import { SYNC_PROGRESS_LOG_MS } from '../../node/constants.js'
import type { TauNode } from '../../node/node.js'
import { schemaValidator } from '../helpers/apiSchema.js'
import { type Built, ChainBuilder } from '../helpers/chainBuilder.js'
import { NodeHarness } from '../helpers/nodeHarness.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const M = 16
const HEIGHT = 1200
const TXS = 3
const SERVER_LINK_LATENCY_MS = 80
/** /status is read this often while the sync runs. */
const POLL_MS = 200

interface LogLine { message?: string, timestamp?: string, height?: number, target?: number, blocksPerSec?: number, etaS?: number | null }

const baseOf = (n: TauNode): string => {
  const a = n.http?.address()
  if (a === null || a === undefined || typeof a === 'string') throw new Error('no API address')
  return `http://127.0.0.1:${a.port}`
}

describe('sync progress in /status and the log (real nodes)', function () {
  this.timeout(600_000)
  let genesis: Genesis
  let keys: KeyPair[]
  let main: Built[]
  let h: NodeHarness

  before(async () => {
    keys = [0, 1].map(i => keyPairFromSeed(`sync-progress-test-${i}`))
    genesis = buildGenesis({
      name: 'sync-progress', timestamp: Math.floor(Date.now() / 1000) - HEIGHT * T * 3 - 600,
      blockTime: T, mutableRange: M, minFee: 1, blockReward: 10,
      accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000_000, power: [1e12, 1e10][i] }))
    })
    h = new NodeHarness(genesis)
    const builder = new ChainBuilder({ genesis, keys })
    main = builder.extend(builder.root, HEIGHT, { speed: 'fast', txs: TXS })
    await h.prepare('server', main, builder)
  })

  after(async () => { await h?.close() })

  it('shows target, height, blocks/s and ETA while syncing, clears them after, and logs a progress line every 5 s', async () => {
    const server = await h.start('server', keys[0], {
      flags: { 'log-level': 'error', 'link-latency': String(SERVER_LINK_LATENCY_MS) }, env: { TAU_UNDER_TESTNET: '1' }
    })
    const lines: LogLine[] = []
    const log = new PassThrough()
    let rest = ''
    log.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n')
      rest = parts.pop() ?? ''
      for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as LogLine)
    })
    const client = await h.start('fresh', keyPairFromSeed('sync-progress-client'), { bootstrap: [server.ctx.engine.endpoint], log })
    const base = baseOf(client)
    const validate = schemaValidator(await (await fetch(`${base}/openapi.json`)).json() as Record<string, unknown>)

    // Read /status until the client holds the served tip; keep every mid-sync `sync` object.
    const seen: SyncJson[] = []
    const invalid: string[] = [] // the probe is retried when it throws, so schema errors are kept and checked after
    const tipHex = toHex(main[HEIGHT - 1].id)
    const t0 = Date.now()
    await waitFor(async () => {
      const st = await (await fetch(`${base}/status`)).json() as StatusJson
      const why = validate('Status', st)
      if (why !== undefined) invalid.push(why)
      if (st.sync !== null) seen.push(st.sync)
      return st.tipId === tipHex
    }, { timeoutMs: 480_000, intervalMs: POLL_MS, what: 'the served tip', describe: () => `client at ${client.ctx.chain.tip().n}, ${seen.length} sync readings` })
    const syncMs = Date.now() - t0

    expect(invalid).to.deep.equal([])
    // During: present and consistent, with a positive rate and an ETA once blocks are coming in.
    expect(seen.length).to.be.greaterThan(10)
    for (const s of seen) {
      expect(s.targetHeight).to.equal(HEIGHT)
      // A new node's start-up vote fetches the same branch (fetchBranchFor), so a later walk may start above 0.
      expect(s.startHeight).to.be.within(0, HEIGHT)
      expect(s.currentHeight).to.be.within(s.startHeight, s.targetHeight)
      expect(s.blocksPerSec).to.be.at.least(0)
      if (s.etaS !== null) expect(s.etaS).to.be.at.least(0)
      // Mid-walk: a rate gives an ETA; a walk that imported nothing for the rate's window (a
      // transaction asked again after a lost answer, on a loaded machine) shows a rate of 0.
      if (s.currentHeight > s.startHeight && s.currentHeight < s.targetHeight && s.blocksPerSec > 0) expect(s.etaS).to.be.a('number')
    }
    const moving = seen.filter(s => s.currentHeight > s.startHeight && s.currentHeight < HEIGHT && s.blocksPerSec > 0)
    expect(moving.length, 'readings with a rate, taken between the first import and the end').to.be.greaterThan(2)
    // Heights only go up between readings.
    for (let i = 1; i < seen.length; i++) expect(seen[i].currentHeight).to.be.at.least(seen[i - 1].currentHeight)

    // After: cleared (the end of the sync may come just after the tip is imported).
    await waitFor(async () => {
      const st = await (await fetch(`${base}/status`)).json() as StatusJson
      return st.sync === null && st.height === HEIGHT
    }, { timeoutMs: 10_000, what: 'the sync object cleared' })

    // The log: one progress line per SYNC_PROGRESS_LOG_MS, not one per block.
    const progress = lines.filter(l => l.message === 'sync progress')
    expect(syncMs, 'the emulated link keeps this sync over two progress periods').to.be.greaterThan(2 * SYNC_PROGRESS_LOG_MS)
    expect(progress.length).to.be.at.least(2)
    expect(progress.length).to.be.at.most(Math.ceil(syncMs / SYNC_PROGRESS_LOG_MS) + 1)
    const times = progress.map(l => Date.parse(l.timestamp ?? ''))
    // Never closer than the period; a timer can fire late when the loop is busy (an import chunk on a
    // loaded machine), so the typical gap (the median) is what must be about the period.
    const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b)
    expect(gaps[0]).to.be.at.least(SYNC_PROGRESS_LOG_MS * 0.8)
    expect(gaps[Math.floor(gaps.length / 2)]).to.be.within(SYNC_PROGRESS_LOG_MS * 0.8, SYNC_PROGRESS_LOG_MS * 1.6)
    for (const l of progress) {
      expect(l.target).to.equal(HEIGHT)
      expect(l.height).to.be.within(0, HEIGHT)
      expect(l.blocksPerSec).to.be.at.least(0)
    }
  })
})
