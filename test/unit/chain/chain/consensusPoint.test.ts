// PROTOCOL §6 version 2 at the chain level: the consensus point only moves forward along its own
// chain, a vote never reorganises below it or past the warning range, every refusal is a warning
// (once per fork), and the operator's trusted checkpoint is the one way off a chain below it.
import { expect } from 'chai'
import { Chain, type ChainWarning, type ImportResult } from '../../../../chain/chain.js'
import { toHex } from '../../../../chain/hex.js'
import { potParams } from '../../../../chain/consensus/pot.js'
import { ChainBuilder, TEST_NOW, type Built, testNet } from '../../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'

// Four miners with power, and a fifth key that never sent a transaction (power 0): it can only mine
// through the liveness rule (Δ ≥ MAX_BT).
const net = testNet({ mutableRange: 3, powers: [1e12, 64e10, 36e10, 16e10, 0] })
const ZERO = 4
const MAX_BT = Number(potParams(net.genesis.config.blockTime).MAX_BT)
const hex = toHex
type Of<K extends ImportResult['kind']> = Extract<ImportResult, { kind: K }>

describe('consensus point (M = 3)', function () {
  let dir: string
  let chain: Chain
  let b: ChainBuilder
  let warnings: ChainWarning[]

  beforeEach(async () => {
    dir = makeTmpDir('tau-cp-')
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    b = new ChainBuilder(net)
    warnings = []
    chain.on('warning', w => warnings.push(w))
  })
  afterEach(async () => { await chain.close(); removeDir(dir) })

  async function mainChain (n: number): Promise<Built[]> {
    const xs = b.extend(b.root, n, { speed: 'fast' })
    for (const x of xs) expect((await chain.importBlock(x.block, x.txs)).kind).to.equal('extended')
    return xs
  }

  /** Blocks by the power-0 key at MAX_BT spacing (six from genesis by default): valid, but not the network's. */
  function zeroPowerBranch (from: Built = b.root, count = 6): Built[] {
    const out: Built[] = []
    let cur = from
    for (let k = 0; k < count; k++) out.push(cur = b.child(cur, { miner: ZERO, t: cur.block.t + MAX_BT }))
    return out
  }

  it('a vote for a block of a branch from genesis leaves a chain with its consensus point at 12 as it was', async () => {
    const a = await mainChain(20)
    expect(await chain.applyVote(a[11].id)).to.deep.include({ kind: 'kept' })
    expect(chain.consensusPoint().n).to.equal(12)
    const before = { tip: hex(chain.tip().id), d: chain.tip().d }
    const branch = zeroPowerBranch()
    const r = await chain.importBranch(branch.map(x => x.block), new Map())
    expect(r.kind).to.equal('side') // lighter and out of reach: kept aside, not even validated

    // One vote names its block 3: the decision is refused, with a warning that says what to do.
    expect(await chain.applyVote(branch[2].id)).to.deep.equal({ kind: 'unknown' })
    const again = await chain.importBranch(branch.map(x => x.block), new Map()) as Of<'refused-warning'>
    expect(again.kind).to.equal('refused-warning')
    expect(again.warning.reason).to.equal('vote-below-consensus-point')
    expect(again.warning.message).to.match(/not a descendant of the consensus point.*--checkpoint/)
    expect({ tip: hex(chain.tip().id), d: chain.tip().d }).to.deep.equal(before)
    expect(chain.consensusPoint()).to.deep.equal({ id: a[11].id, n: 12 })
    expect(chain.status().warnings.map(w => w.reason)).to.deep.equal(['vote-below-consensus-point'])
    expect(chain.pendingPoints()).to.deep.equal([])
  })

  it('a vote for a stored side block below the consensus point is refused, and the point never moves down', async () => {
    const a = await mainChain(14)
    const side = b.child(a[9], { miner: ZERO, t: a[9].block.t + MAX_BT }) // a side block at height 11
    expect((await chain.importBlock(side.block, side.txs)).kind).to.equal('side')
    await chain.applyVote(a[11].id) // height 12
    const v = await chain.applyVote(side.id)
    expect(v.kind).to.equal('refused')
    expect(v.kind === 'refused' && v.warning.reason).to.equal('vote-below-consensus-point')
    expect(hex(chain.tip().id)).to.equal(hex(a[13].id))
    expect(await chain.applyVote(a[5].id)).to.deep.include({ kind: 'kept' }) // an ancestor: no move
    expect(chain.consensusPoint().n).to.equal(12)
  })

  it('a vote that would roll back more than 3M blocks is refused even above the consensus point', async () => {
    const a = await mainChain(20)
    const branch = b.extend(a[1], 30, { speed: 'fast', miner: 1 }) // forks at 2: depth 18, heavier
    const point = branch[9]
    await chain.applyVote(point.id)
    const r = await chain.importBranch(branch.map(x => x.block), new Map()) as Of<'refused-warning'>
    expect(r.warning.reason).to.equal('vote-deep-fork')
    expect(hex(chain.tip().id)).to.equal(hex(a[19].id))
    expect(chain.consensusPoint().n).to.equal(0)
  })

  it('after a voted switch, a heavier chain that does not contain the consensus point is refused', async () => {
    const a = await mainChain(8)
    const voted = b.extend(a[2], 7, { speed: 'fast', miner: 2 }) // forks at 3: depth 5 (voting range)
    expect((await chain.importBranch(voted.map(x => x.block), new Map())).kind).to.be.oneOf(['needs-vote', 'side'])
    expect(await chain.applyVote(voted[3].id)).to.deep.include({ kind: 'reorged' })
    expect(chain.consensusPoint().n).to.equal(7)
    const heavier = b.extend(a[7], 10, { speed: 'fast' }) // the old chain, made heavier: forks at 3 < 7
    const r = await chain.importBranch(heavier.map(x => x.block), new Map()) as Of<'refused-warning'>
    expect(r.warning.reason).to.equal('below-consensus-point')
    expect(chain.tip().d < heavier[9].block.d).to.equal(true)
    expect(hex(chain.tip().id)).to.equal(hex(voted[6].id))
  })

  it('a refused fork is one warning however often its tips are read', async () => {
    const a = await mainChain(12)
    const branch = b.extend(a[0], 20, { speed: 'fast', miner: 1 }) // forks at 1: depth 11, heavier
    for (let k = 13; k <= 20; k++) {
      const r = await chain.importBranch(branch.slice(0, k).map(x => x.block), new Map())
      expect(r.kind).to.equal('refused-warning')
    }
    expect(warnings).to.have.length(1)
    expect(chain.status().warnings).to.have.length(1)
    expect(chain.status().warnings[0].candidateHeight).to.equal(21) // the entry follows the newest tip
  })

  it('the operator\'s trusted checkpoint moves the node off a chain below its consensus point', async () => {
    const a = await mainChain(20)
    await chain.applyVote(a[11].id)
    const branch = zeroPowerBranch()
    expect(await chain.setTrustedCheckpoint(branch[4].id)).to.deep.equal({ kind: 'unknown' })
    expect(chain.pendingPoints()).to.deep.equal([{ id: branch[4].id, mode: 'trusted' }])
    const r = await chain.importBranch(branch.map(x => x.block), new Map())
    expect(r).to.deep.include({ kind: 'reorged', depth: 20 })
    expect(hex(chain.tip().id)).to.equal(hex(branch[5].id))
    expect(chain.consensusPoint()).to.deep.equal({ id: branch[4].id, n: 5 })
    // Held: applying it again keeps it; the honest chain, heavier, no longer contains the point.
    expect(await chain.setTrustedCheckpoint(branch[4].id)).to.deep.include({ kind: 'kept' })
    const more = b.extend(a[19], 2, { speed: 'fast' })
    expect((await chain.importBranch([...a, ...more].map(x => x.block), new Map())).kind).to.equal('refused-warning')
  })

  it('a trusted checkpoint on a stored side branch switches at once, whatever the depth', async () => {
    const a = b.extend(b.root, 16, { speed: 'fast' })
    for (const x of a.slice(0, 6)) await chain.importBlock(x.block, x.txs)
    const branch = zeroPowerBranch(a[1], 3) // forks at 2, lighter: stored aside
    for (const x of branch) expect((await chain.importBlock(x.block, x.txs)).kind).to.equal('side')
    for (const x of a.slice(6)) await chain.importBlock(x.block, x.txs)
    expect(hex(chain.tip().id)).to.equal(hex(a[15].id))
    expect(await chain.applyVote(branch[2].id)).to.deep.include({ kind: 'refused' }) // a vote may not: depth 14
    const r = await chain.setTrustedCheckpoint(branch[2].id)
    expect(r).to.deep.include({ kind: 'reorged', depth: 14 })
    expect(chain.consensusPoint()).to.deep.equal({ id: branch[2].id, n: 5 })
    expect(hex(chain.tip().id)).to.equal(hex(branch[2].id))
  })

  it('a new node (empty at start, no round decided yet) switches to a heavier chain at any depth; after settling it refuses', async () => {
    const junk = zeroPowerBranch(b.root, 12) // synced first: valid, light, 12 blocks
    const honest = b.extend(b.root, 20, { speed: 'fast', miner: 1 })
    chain.startAsNewNode()
    for (const x of junk) await chain.importBlock(x.block, x.txs)
    expect(chain.tip().n).to.equal(12)
    const r = await chain.importBranch(honest.map(x => x.block), new Map())
    expect(r).to.deep.include({ kind: 'reorged', depth: 12 })
    expect(hex(chain.tip().id)).to.equal(hex(honest[19].id))
    // Once settled, the warning range protects what it holds.
    chain.settleNewNode()
    const deeper = zeroPowerBranch(b.root, 2)
    const heavier = b.extend(deeper[1], 30, { speed: 'fast', miner: 2 })
    const refused = await chain.importBranch([...deeper, ...heavier].map(x => x.block), new Map())
    expect(refused.kind).to.equal('refused-warning')
    expect(hex(chain.tip().id)).to.equal(hex(honest[19].id))
  })
})
