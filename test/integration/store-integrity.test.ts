// Store integrity against real node processes and the API: a damaged data dir is refused at start
// with the repair named, `tau-node check` finds it (and refuses to run next to a live node), and
// `tau-node start --reindex` brings back the healthy balances; a record lost under a running node
// is a 500 STORE_CORRUPT from the API, never a 404.
import { expect } from 'chai'
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Chain } from '../../chain/chain.js'
import { keyPairFromSeed } from '../../chain/crypto.js'
import { devKey } from '../../chain/devkeys.js'
import { type Genesis, buildGenesis, genesisToJson } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { isChainError } from '../../chain/errors.js'
import { openStore } from '../../chain/store/open.js'
import { accountKey, blockKey, undoKey } from '../../chain/store/keys.js'
import { encodeUndo } from '../../chain/store/records.js'
import { encodeAccount } from '../../chain/state/account.js'
import { DEFAULTS, type NodeConfig } from '../../node/config.js'
import { createLogger } from '../../node/logger.js'
import { TauNode } from '../../node/node.js'
import { type Built, ChainBuilder } from '../helpers/chainBuilder.js'
import { flipUntilLevelCorruption, poke } from '../helpers/storeDamage.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const BIN = join(process.cwd(), 'bin', 'tau-node.js')
const KEYS = [devKey(0), keyPairFromSeed('store-test-key-1'), keyPairFromSeed('store-test-key-2')]
/** Above the 64 newest blocks the open check decodes, so height 3 is only in the index walk. */
const HEIGHT = 70

function testGenesis (): Genesis {
  return buildGenesis({
    name: 'storetest', timestamp: Math.floor(Date.now() / 1000) - 86_400, blockTime: 10, mutableRange: 3, minFee: 1, blockReward: 10,
    accounts: KEYS.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000_000, power: i === 0 ? 1_000_000_000_000 : 0 }))
  })
}

interface Proc { child: ChildProcess, out: string[], stdout: string[], exit: Promise<{ code: number | null, signal: NodeJS.Signals | null }> }

function run (args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const out: string[] = []
  const stdout: string[] = []
  child.stdout?.on('data', (b: Buffer) => { out.push(b.toString()); stdout.push(b.toString()) })
  child.stderr?.on('data', (b: Buffer) => out.push(b.toString()))
  const exit = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.once('exit', (code, signal) => resolve({ code, signal })))
  return { child, out, stdout, exit }
}

describe('store integrity (real node processes, API)', function () {
  this.timeout(180_000)
  const genesis = testGenesis()
  const builder = new ChainBuilder({ genesis, keys: KEYS })
  const blocks: Built[] = builder.extend(builder.root, HEIGHT, { txs: 3 })
  let dir: string
  let dataDir: string
  let genesisPath: string
  const procs: Proc[] = []
  beforeEach(async () => {
    dir = makeTmpDir('tau-store-it-')
    dataDir = join(dir, 'node')
    genesisPath = join(dir, 'genesis.json')
    writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config)))
    const chain = await Chain.open(join(dataDir, 'chain'), genesis)
    expect((await chain.importBranch(blocks.map(b => b.block), builder.txMap(blocks))).kind).to.equal('extended')
    await chain.close()
  })
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) { p.child.kill('SIGKILL'); await p.exit }
    removeDir(dir)
  })
  const start = (extra: string[] = []): Proc => {
    const p = run(['start', '--data-dir', dataDir, '--genesis', genesisPath, '--dev-key', '0', '--no-mine', '--dht-port', '0', '--api-port', '0', '--log-format', 'json', ...extra])
    procs.push(p)
    return p
  }
  const checkCmd = (extra: string[] = []): Proc => { const p = run(['check', '--data-dir', dataDir, '--genesis', genesisPath, ...extra]); procs.push(p); return p }

  it('refuses a deleted miner account at start and in `tau-node check`; --reindex restores the balance; check refuses a running node', async () => {
    const miner = KEYS[0].publicKey
    const want = blocks[HEIGHT - 1].state.getAccount(miner)!.balance
    await poke(join(dataDir, 'chain'), accountKey(miner), undefined)
    await poke(join(dataDir, 'chain'), accountKey(KEYS[1].publicKey), encodeAccount({ ...blocks[HEIGHT - 1].state.getAccount(KEYS[1].publicKey)!, balance: 12_345 }))

    const fast = checkCmd()
    expect((await fast.exit).code).to.equal(1)
    const report = JSON.parse(fast.stdout.join('')) as { ok: boolean, code: string, repair: string, problems: string[] }
    expect(report).to.include({ ok: false, code: 'STORE_CORRUPT', repair: 'tau-node start --reindex' })
    expect(report.problems[0]).to.contain('state digest')

    const refused = start()
    expect((await refused.exit).code).to.equal(1)
    expect(refused.out.join('')).to.contain('STORE_CORRUPT').and.contain('tau-node start --reindex')

    const node = start(['--reindex'])
    await waitFor(() => node.out.join('').includes('"message":"node ready"'), { timeoutMs: 60_000, what: 'node ready', describe: () => node.out.join('') })
    expect(node.out.join('')).to.contain('reindex rebuilt the chain to height 70')
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(node.out.join(''))![1]
    const acct = await (await fetch(`${url}/account/${toHex(miner)}`)).json() as { balance: string }
    expect(acct.balance).to.equal(String(want))

    const whileRunning = checkCmd()
    expect((await whileRunning.exit).code).to.equal(1)
    expect(whileRunning.out.join('')).to.contain('NODE_LOCKED')
    node.child.kill('SIGTERM')
    expect((await node.exit).code).to.equal(0)

    const full = checkCmd(['--full'])
    expect((await full.exit).code, full.out.join('')).to.equal(0)
    expect(full.out.join('')).to.contain('"ok": true').and.contain(`"height": ${HEIGHT}`)
  })

  it('`tau-node check --full` finds what the fast check leaves to it (an old undo record altered)', async () => {
    const undo = undoKey(blocks[2].id) // height 3: below the 64 blocks the open decodes
    await poke(join(dataDir, 'chain'), undo, encodeUndo([{ key: KEYS[2].publicKey, prior: undefined }]))
    const fast = checkCmd()
    expect((await fast.exit).code, fast.out.join('')).to.equal(0)
    const full = checkCmd(['--full'])
    expect((await full.exit).code).to.equal(1)
    const report = JSON.parse(full.stdout.join('')) as { ok: boolean, mode: string, code: string, repair: string, problems: string[] }
    expect(report).to.include({ ok: false, mode: 'full', code: 'STORE_CORRUPT', repair: 'tau-node start --reindex' })
    expect(report.problems).to.deep.equal(['height 3: undo record missing or wrong'])
  })

  it('a table byte LevelDB reports damaged: start and check refuse with the repair named, `start --reindex` repairs it and serves', async () => {
    const chainDir = join(dataDir, 'chain')
    await flipUntilLevelCorruption(chainDir, join(dir, 'compacted'), async () => {
      try { await (await openStore(chainDir, genesis)).close(); return false } catch (e) {
        return isChainError(e, 'STORE_CORRUPT') && e.data?.level === 'LEVEL_CORRUPTION'
      }
    })
    const fast = checkCmd()
    expect((await fast.exit).code).to.equal(1)
    expect(JSON.parse(fast.stdout.join(''))).to.include({ code: 'STORE_CORRUPT', repair: 'tau-node start --reindex' })
    const refused = start()
    expect((await refused.exit).code).to.equal(1)
    expect(refused.out.join('')).to.contain('LevelDB found damaged data files').and.contain('tau-node start --reindex')

    const node = start(['--reindex'])
    await waitFor(() => node.out.join('').includes('"message":"node ready"'), { timeoutMs: 60_000, what: 'node ready', describe: () => node.out.join('') })
    expect(node.out.join('')).to.contain('rebuilt the tables from')
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(node.out.join(''))![1]
    expect((await fetch(`${url}/block-height/0`)).status).to.equal(200)
    node.child.kill('SIGTERM')
    expect((await node.exit).code).to.equal(0)
    const full = checkCmd(['--full'])
    expect((await full.exit).code, full.out.join('')).to.equal(0)
  })

  it('answers 500 STORE_CORRUPT, not 404, for a block lost under a running node (height 3)', async () => {
    const cfg: NodeConfig = {
      ...DEFAULTS, dataDir, genesis: genesisPath, devKey: 0, dhtHost: '127.0.0.1', dhtPort: 0, bootstrap: [],
      apiHost: '127.0.0.1', apiPort: 0, mine: false, logLevel: 'error', logFormat: 'json', reindex: false
    }
    const node = await TauNode.start(cfg, createLogger('error', 'json'))
    try {
      const addr = node.http?.address()
      if (addr === null || addr === undefined || typeof addr === 'string') throw new Error('no API address')
      const base = `http://127.0.0.1:${addr.port}`
      const id = toHex(blocks[2].id)
      expect((await fetch(`${base}/block-height/4`)).status).to.equal(200) // (height 3 is left unread: not in the block cache)
      // The disk loses the block record (the node's own handle: the data dir is locked by the node).
      await node.ctx.chain.store.db.del(blockKey(blocks[2].id))
      for (const path of ['/block-height/3', `/block/${id}`]) {
        const res = await fetch(`${base}${path}`)
        expect(res.status, path).to.equal(500)
        expect(((await res.json()) as { code: string }).code).to.equal('STORE_CORRUPT')
      }
      expect((await fetch(`${base}/block/${'00'.repeat(32)}`)).status).to.equal(404) // an unknown block is still a 404
    } finally {
      await node.stop()
    }
  })
})
