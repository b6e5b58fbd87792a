// Fork choice and reorganisations with M = 3: mutable range (depth ≤ 3) switches, voting range
// (4..9) waits for a vote, warning range (> 9) is refused; invalid blocks in a branch, returned
// transactions, the consensus point, and restarts.
import { expect } from 'chai'
import { Chain, type ChainWarning, type ImportResult, type ReorgEvent } from '../../../../chain/chain.js'
import { toHex } from '../../../../chain/hex.js'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encodeBlock } from '../../../../chain/block.js'
import { genesisToJson } from '../../../../chain/genesis.js'
import { encodeTx, txId } from '../../../../chain/tx.js'
import { waitFor } from '../../../helpers/wait.js'
import { ChainBuilder, TEST_NOW, type Built, testNet } from '../../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'
import { verifyStore } from '../../../../chain/store/verify.js'

const net = testNet({ mutableRange: 3 })
const hex = toHex
type Of<K extends ImportResult['kind']> = Extract<ImportResult, { kind: K }>

describe('chain reorgs (M = 3)', function () {
  let dir: string
  let chain: Chain
  let b: ChainBuilder
  let reorgs: ReorgEvent[]
  let warnings: ChainWarning[]

  beforeEach(async () => {
    dir = makeTmpDir('tau-reorg-')
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    b = new ChainBuilder(net)
    reorgs = []; warnings = []
    chain.on('reorg', e => reorgs.push(e))
    chain.on('warning', w => warnings.push(w))
  })
  afterEach(async () => { await chain.close(); removeDir(dir) })

  async function mainChain (n: number, txs = 2): Promise<Built[]> {
    const xs = b.extend(b.root, n, { txs })
    for (const x of xs) expect((await chain.importBlock(x.block, x.txs)).kind).to.equal('extended')
    return xs
  }

  async function expectConsistent (tip: Built): Promise<void> {
    expect(hex(chain.tip().id)).to.equal(hex(tip.id))
    for (const [, { key, account }] of tip.state.accounts) expect(chain.state.getAccount(key)).to.deep.equal(account)
    const report = await verifyStore(chain.store)
    expect(report.problems).to.deep.equal([])
  }

  it('depth 1: a longer branch replaces the tip block, with one reorg event', async () => {
    const a = await mainChain(3)
    const [b3, b4] = b.extend(a[1], 2, { txs: 1 })
    expect((await chain.importBlock(b3.block, b3.txs)).kind).to.equal('side') // a tie
    const r = await chain.importBlock(b4.block, b4.txs) as Of<'reorged'>
    expect(r).to.include({ kind: 'reorged', depth: 1 })
    expect(reorgs).to.have.length(1)
    expect(reorgs[0].removed.map(x => x.n)).to.deep.equal([3])
    expect(reorgs[0].added.map(x => x.n)).to.deep.equal([3, 4])
    expect(hex(reorgs[0].oldTip.id)).to.equal(hex(a[2].id))
    expect(chain.isMain(a[2].id)).to.equal(false)
    await expectConsistent(b4)
  })

  it('depth M: a branch imported at once switches in one batch', async () => {
    const a = await mainChain(6)
    const branch = b.extend(a[2], 4, { txs: 3 })
    const tips: number[] = []
    chain.on('tip', t => tips.push(t.n))
    const r = await chain.importBranch(branch.map(x => x.block), b.txMap(branch))
    expect(r).to.include({ kind: 'reorged', depth: 3 })
    expect(tips).to.deep.equal([7])
    expect(reorgs[0].removed.map(x => x.n)).to.deep.equal([6, 5, 4])
    await expectConsistent(branch[3])
  })

  it('reports the transactions of rolled-back blocks that the new branch does not carry', async () => {
    const a = await mainChain(4, 4)
    const branch = b.extend(a[1], 3) // no transactions
    await chain.importBranch(branch.map(x => x.block), new Map())
    const returned = reorgs[0].returnedTxs.map(t => hex(txId(t)))
    expect(returned).to.deep.equal([...a[2].block.x, ...a[3].block.x].map(hex))
  })

  it('voting range: needs a vote, then switches when the vote names a point on the branch', async () => {
    const a = await mainChain(8)
    const branch = b.extend(a[2], 7, { txs: 1 }) // forks at 3: depth 5
    const r = await chain.importBranch(branch.map(x => x.block), b.txMap(branch)) as Of<'needs-vote'>
    expect(r.kind).to.equal('needs-vote')
    expect(r.candidate).to.include({ depth: 5, forkHeight: 3, n: 10 })
    expect(hex(chain.tip().id)).to.equal(hex(a[7].id))
    expect(chain.status().voteCandidates).to.have.length(1)
    const point = branch[2] // height 6: the checkpoint peers on the branch vote for
    const v = await chain.applyVote(point.id)
    expect(v).to.deep.include({ kind: 'reorged', depth: 5 })
    expect(chain.consensusPoint()).to.deep.equal({ id: point.id, n: 6 })
    await expectConsistent(branch[6])
    await chain.close()
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    expect(chain.consensusPoint().n).to.equal(6) // persisted with the switch
    expect(hex(chain.consensusPoint().id)).to.equal(hex(point.id))
  })

  it('a vote for an unknown point adopts the branch that brings it, within the ranges', async () => {
    const a = await mainChain(8)
    const branch = b.extend(a[2], 8) // forks at 3: depth 5, the voting range
    const point = branch[3] // height 7
    expect(await chain.applyVote(point.id)).to.deep.equal({ kind: 'unknown' })
    expect(chain.pendingPoints().map(p => p.mode)).to.deep.equal(['vote'])
    const r = await chain.importBranch(branch.map(x => x.block), new Map())
    expect(r).to.deep.include({ kind: 'reorged', depth: 5 })
    expect(chain.consensusPoint()).to.deep.equal({ id: point.id, n: 7 })
    expect(chain.pendingPoints()).to.deep.equal([])
    await expectConsistent(branch[7])
  })

  it('a vote never adopts a branch from the warning range; a round begun on an empty chain and the operator may', async () => {
    const a = await mainChain(12)
    const branch = b.extend(a[0], 12) // forks at 1: depth 11 > 3M
    const point = branch[5]
    expect(await chain.applyVote(point.id)).to.deep.equal({ kind: 'unknown' })
    const r = await chain.importBranch(branch.map(x => x.block), new Map()) as Of<'refused-warning'>
    expect(r.kind).to.equal('refused-warning')
    expect(r.warning.reason).to.equal('vote-deep-fork')
    expect(r.warning.message).to.match(/--checkpoint/)
    expect(hex(chain.tip().id)).to.equal(hex(a[11].id))
    expect(chain.consensusPoint().n).to.equal(0)
    expect(chain.pendingPoints()).to.deep.equal([]) // refused once, then forgotten

    expect(await chain.applyVote(point.id, 'vote-empty')).to.deep.equal({ kind: 'unknown' })
    expect(await chain.importBranch(branch.map(x => x.block), new Map())).to.deep.include({ kind: 'reorged', depth: 11 })
    expect(chain.consensusPoint()).to.deep.equal({ id: point.id, n: 7 })
    await expectConsistent(branch[11])
  })

  it('a vote for a stored side block on no candidate switches to it', async () => {
    const a = await mainChain(5)
    const side = b.child(a[2]) // forks at 3, a tie at height 4: stored as side
    expect((await chain.importBlock(side.block, side.txs)).kind).to.equal('side')
    const v = await chain.applyVote(side.id)
    expect(v).to.deep.include({ kind: 'reorged', depth: 2 })
    expect(hex(chain.tip().id)).to.equal(hex(side.id))
    expect(chain.consensusPoint().n).to.equal(4)
    await expectConsistent(side)
  })

  it('a vote for a main-chain block raises the consensus point and drops candidates below it', async () => {
    const a = await mainChain(8)
    const branch = b.extend(a[2], 7)
    await chain.importBranch(branch.map(x => x.block), new Map())
    expect((await chain.applyVote(a[5].id))).to.deep.include({ kind: 'kept' })
    expect(chain.consensusPoint().n).to.equal(6)
    expect(chain.status().voteCandidates).to.have.length(0)
    await chain.applyVote(a[1].id) // lower: never moves down
    expect(chain.consensusPoint().n).to.equal(6)
  })

  it('warning range: refuses a deeper better fork, warns, and keeps it in the status', async () => {
    const a = await mainChain(11)
    const branch = b.extend(a[0], 12) // forks at 1: depth 10 > 3M
    const r = await chain.importBranch(branch.map(x => x.block), new Map()) as Of<'refused-warning'>
    expect(r.kind).to.equal('refused-warning')
    expect(r.warning).to.include({ reason: 'deep-fork', depth: 10, forkHeight: 1 })
    expect(warnings).to.have.length(1)
    expect(chain.status().warnings).to.have.length(1)
    expect(hex(chain.tip().id)).to.equal(hex(a[10].id))
    expect(chain.hasBlock(branch[0].id)).to.equal(false)
  })

  it('the consensus point blocks a reorg below it, even in the mutable range', async () => {
    const a = await mainChain(6)
    await chain.applyVote(a[4].id) // height 5
    const branch = b.extend(a[2], 5) // forks at 3 < 5, depth 3
    const r = await chain.importBranch(branch.map(x => x.block), new Map()) as Of<'refused-warning'>
    expect(r.warning.reason).to.equal('below-consensus-point')
    expect(hex(chain.tip().id)).to.equal(hex(a[5].id))
    const above = b.extend(a[4], 2) // forks at 5: allowed
    expect((await chain.importBranch(above.map(x => x.block), new Map())).kind).to.equal('reorged')
  })

  it('an invalid block in a branch: switches to the valid prefix when that is better', async () => {
    const a = await mainChain(3)
    const [b3, b4] = b.extend(a[1], 2)
    const bad = b.badChild(b4)
    const after = b.child(bad)
    const blocks = [b3, b4, bad, after]
    const r = await chain.importBranch(blocks.map(x => x.block), b.txMap(blocks)) as Of<'reorged'>
    expect(r.kind).to.equal('reorged')
    expect(hex(r.invalid!.id)).to.equal(hex(bad.id))
    expect(r.invalid!.error.code).to.equal('TX_BAD_NONCE')
    expect(chain.invalidReason(after.id)).to.equal('BLOCK_INVALID_ANCESTOR')
    await expectConsistent(b4)
  })

  it('an invalid block in a branch: stays when the valid prefix is not better', async () => {
    const a = await mainChain(3)
    const b3 = b.child(a[1])
    const bad = b.badChild(b3)
    const r = await chain.importBranch([b3.block, bad.block], b.txMap([b3, bad]))
    expect(r).to.deep.include({ kind: 'side', stored: true })
    expect(r.invalid?.error.code).to.equal('TX_BAD_NONCE')
    expect(reorgs).to.have.length(0)
    await expectConsistent(a[2])
  })

  it('a shorter but heavier branch wins, and the heights above it leave the index', async () => {
    await chain.close()
    removeDir(dir)
    dir = makeTmpDir('tau-reorg-')
    const wide = testNet({ mutableRange: 20 })
    b = new ChainBuilder(wide)
    chain = await Chain.open(dir, wide.genesis, { now: () => TEST_NOW })
    const a = b.extend(b.root, 20) // slow blocks: b grows 10% a block, each adds less difficulty
    for (const x of a) await chain.importBlock(x.block, x.txs)
    const branch: Built[] = []
    for (let cur = a[4]; cur.block.d <= a[19].block.d;) branch.push(cur = b.child(cur, { speed: 'fast' }))
    expect(branch.length).to.be.lessThan(15)
    const r = await chain.importBranch(branch.map(x => x.block), new Map())
    expect(r.kind).to.equal('reorged')
    expect(chain.tip().n).to.be.lessThan(20)
    expect(chain.getBlockAt(chain.tip().n + 1)).to.equal(undefined)
    await expectConsistent(branch[branch.length - 1])
  })

  it('reorgs back and forth keep the store consistent', async () => {
    const a = await mainChain(4, 3)
    let tip = a[3]
    for (let round = 0; round < 4; round++) {
      const fork = b.ancestorAt(tip, tip.block.n - 2)
      const branch = b.extend(fork, 3, { txs: 2 })
      expect((await chain.importBranch(branch.map(x => x.block), b.txMap(branch))).kind).to.equal('reorged')
      tip = branch[2]
    }
    expect(reorgs).to.have.length(4)
    await expectConsistent(tip)
  })
})

describe('chain restart after a kill (real process, SIGKILL mid-import)', function () {
  this.timeout(60_000)
  let dir: string
  afterEach(() => { removeDir(dir) })

  it('reopens at the last committed block of a run that included reorgs, with a consistent store', async () => {
    dir = makeTmpDir('tau-kill-')
    const b = new ChainBuilder(net)
    // 60 blocks of 16 txs, with a depth-2 reorg every 10 blocks, in the order a node would see them.
    const order: Built[] = []
    let tip = b.root
    for (let round = 0; round < 6; round++) {
      const line = b.extend(tip, 10, { txs: 16 })
      const fork = b.extend(line[7], 3, { txs: 16 })
      order.push(...line, ...fork)
      tip = fork[2]
    }
    const file = join(dir, 'blocks.json')
    writeFileSync(file, JSON.stringify(order.map(x => ({ block: hex(encodeBlock(x.block)), txs: x.txs.map(t => hex(encodeTx(t))) }))))
    writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesisToJson(net.genesis.config)))
    const script = join(dir, 'child.mts') // .mts: ESM outside the package, for top-level await
    const root = new URL('../../../../', import.meta.url)
    writeFileSync(script, `
      import { readFileSync } from 'node:fs'
      import { Chain } from '${new URL('chain/chain.ts', root).href}'
      import { loadGenesisFile } from '${new URL('chain/genesis.ts', root).href}'
      import { decodeBlock } from '${new URL('chain/block.ts', root).href}'
      import { decodeTx } from '${new URL('chain/tx.ts', root).href}'
      const [dataDir, blocksFile, genesisFile] = process.argv.slice(2)
      const chain = await Chain.open(dataDir, loadGenesisFile(genesisFile), { now: () => ${TEST_NOW} })
      const items = JSON.parse(readFileSync(blocksFile, 'utf8'))
      for (let i = 0; i < items.length; i++) {
        const it = items[i]
        await chain.importBlock(decodeBlock(Buffer.from(it.block, 'hex')), it.txs.map(t => decodeTx(Buffer.from(t, 'hex'))))
        process.stdout.write(i + '\\n')
      }
    `)
    const child = spawn(process.execPath, ['--import', 'tsx', script, join(dir, 'data'), file, join(dir, 'genesis.json')], {
      cwd: fileURLToPath(root), stdio: ['ignore', 'pipe', 'pipe']
    })
    let lastDone = -1
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      const lines = String(d).trim().split('\n')
      lastDone = Math.max(lastDone, Number(lines[lines.length - 1]))
      if (lastDone >= 25) child.kill('SIGKILL') // at once, in the middle of the next import
    })
    child.stderr.on('data', d => { stderr += String(d) })
    let gone = false
    const exited = new Promise<void>(resolve => child.on('exit', () => { gone = true; resolve() }))
    try {
      await waitFor(() => lastDone >= 25 || gone, {
        timeoutMs: 40_000, intervalMs: 5, what: 'the child to import 25 blocks', describe: () => `last done ${lastDone}; stderr: ${stderr}`
      })
    } finally {
      child.kill('SIGKILL')
    }
    await exited
    expect(lastDone).to.be.lessThan(order.length - 1) // killed mid-way, not after the end

    const chain = await Chain.open(join(dir, 'data'), net.genesis, { now: () => TEST_NOW })
    const report = await verifyStore(chain.store)
    expect(report.problems).to.deep.equal([])
    const at = b.get(chain.tip().id) // the tip is one of the blocks we built
    // Every block reported done was committed; the tip is at least as heavy as the best of them.
    const bestDone = order.slice(0, lastDone + 1).reduce((m, x) => (x.block.d > m ? x.block.d : m), 0n)
    expect(chain.tip().d >= bestDone).to.equal(true)
    for (const [, { key, account }] of at.state.accounts) expect(chain.state.getAccount(key)).to.deep.equal(account)
    // and the node carries on from there
    for (const x of order) await chain.importBlock(x.block, x.txs)
    expect(hex(chain.tip().id)).to.equal(hex(tip.id))
    expect((await verifyStore(chain.store)).ok).to.equal(true)
    await chain.close()
  })
})
