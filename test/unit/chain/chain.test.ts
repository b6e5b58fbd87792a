// The Chain's import path: extend, known, pending, invalid (remembered or not), missing data,
// serialised concurrent imports, ties, contexts for the miner, locators, restart.
import { expect } from 'chai'
import { Chain, type ImportResult, type TipInfo } from '../../../chain/chain.js'
import { isChainError } from '../../../chain/errors.js'
import { toHex } from '../../../chain/hex.js'
import { buildBlock } from '../../../chain/miner.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'
import { verifyStore } from '../../../chain/store/verify.js'

const net = testNet()
const hex = toHex

describe('chain import', function () {
  let dir: string
  let chain: Chain
  let b: ChainBuilder
  let now: number
  beforeEach(async () => {
    dir = makeTmpDir('tau-chain-')
    now = TEST_NOW
    chain = await Chain.open(dir, net.genesis, { now: () => now })
    b = new ChainBuilder(net)
  })
  afterEach(async () => { await chain.close(); removeDir(dir) })

  it('extends the tip, emits tip, and knows a block it holds', async () => {
    const tips: TipInfo[] = []
    chain.on('tip', t => tips.push(t))
    const [x1, x2] = b.extend(b.root, 2, { txs: 2 })
    expect((await chain.importBlock(x1.block, x1.txs)).kind).to.equal('extended')
    const r = await chain.importBlock(x2.block, x2.txs)
    expect(r).to.include({ kind: 'extended' })
    expect(tips.map(t => t.n)).to.deep.equal([1, 2])
    expect(hex(chain.tip().id)).to.equal(hex(x2.id))
    expect(chain.tip().d).to.equal(x2.block.d)
    expect((await chain.importBlock(x1.block, x1.txs)).kind).to.equal('known')
    expect(hex(chain.getBlockAt(1)!.p)).to.equal(hex(net.genesis.blockId))
    expect(chain.getTx(x2.block.x[1])).to.not.equal(undefined)
    expect(chain.isMain(x1.id)).to.equal(true)
  })

  it('holds a block with an unknown parent as pending and imports it when the parent arrives', async () => {
    const [x1, x2, x3] = b.extend(b.root, 3, { txs: 1 })
    const r3 = await chain.importBlock(x3.block, x3.txs)
    expect(r3.kind).to.equal('pending')
    expect(hex((r3 as Extract<ImportResult, { kind: 'pending' }>).parentId)).to.equal(hex(x2.id))
    expect((await chain.importBlock(x2.block, x2.txs)).kind).to.equal('pending')
    expect(chain.status().pendingBlocks).to.equal(2)
    expect((await chain.importBlock(x1.block, x1.txs)).kind).to.equal('extended')
    expect(hex(chain.tip().id)).to.equal(hex(x3.id)) // the pending line followed
    expect(chain.status().pendingBlocks).to.equal(0)
  })

  it('rejects an invalid block with its code, remembers it, and refuses its descendants', async () => {
    const bad = b.badChild(b.root)
    const kid = b.child(bad)
    const r = await chain.importBlock(bad.block, bad.txs)
    expect(r.kind).to.equal('invalid')
    expect((r as Extract<ImportResult, { kind: 'invalid' }>).error.code).to.equal('TX_BAD_NONCE')
    expect(chain.invalidReason(bad.id)).to.equal('TX_BAD_NONCE')
    expect(chain.hasBlock(bad.id)).to.equal(false)
    const rk = await chain.importBlock(kid.block, kid.txs)
    expect(rk.kind).to.equal('invalid')
    expect(hex(chain.tip().id)).to.equal(hex(net.genesis.blockId))
  })

  it('a block from the future is refused now but not remembered as invalid', async () => {
    const [x1] = b.extend(b.root, 1)
    now = x1.block.t - 100
    const r = await chain.importBlock(x1.block, x1.txs)
    expect(r.kind === 'invalid' && r.error.code).to.equal('BLOCK_FROM_FUTURE')
    expect(chain.invalidReason(x1.id)).to.equal(undefined)
    now = TEST_NOW
    expect((await chain.importBlock(x1.block, x1.txs)).kind).to.equal('extended')
  })

  it('wrong transactions for a block are not held against the block', async () => {
    const [x1] = b.extend(b.root, 1, { txs: 2 })
    const r = await chain.importBlock(x1.block, [x1.txs[1], x1.txs[0]])
    expect(r.kind === 'invalid' && r.error.code).to.equal('BLOCK_TX_MISMATCH')
    expect((await chain.importBlock(x1.block, x1.txs)).kind).to.equal('extended')
  })

  it('importBranch needs every transaction (given or stored) and linked blocks', async () => {
    const xs = b.extend(b.root, 3, { txs: 2 })
    const txs = b.txMap(xs)
    txs.delete(hex(xs[2].block.x[0]))
    try {
      await chain.importBranch(xs.map(x => x.block), txs)
      expect.fail('should throw')
    } catch (e) { expect(isChainError(e, 'CHAIN_MISSING_TXS')).to.equal(true) }
    try {
      await chain.importBranch([xs[0].block, xs[2].block], b.txMap(xs))
      expect.fail('should throw')
    } catch (e) { expect(isChainError(e, 'CHAIN_BRANCH_NOT_LINKED')).to.equal(true) }
    expect((await chain.importBranch(xs.map(x => x.block), b.txMap(xs))).kind).to.equal('extended')
    expect(chain.tip().n).to.equal(3)
  })

  it('serialises concurrent imports: any arrival order ends at the same tip', async () => {
    const xs = b.extend(b.root, 12, { txs: 3 })
    const shuffled = [...xs].sort((p, q) => (hex(p.id) < hex(q.id) ? -1 : 1))
    const results = await Promise.all(shuffled.map(x => chain.importBlock(x.block, x.txs)))
    expect(results.every(r => ['extended', 'pending', 'known'].includes(r.kind))).to.equal(true)
    expect(hex(chain.tip().id)).to.equal(hex(xs[11].id))
    expect((await verifyStore(chain.store)).ok).to.equal(true)
  })

  it('a tie in cumulative difficulty keeps the current tip', async () => {
    const a = b.child(b.root, { miner: 0 })
    const c = b.child(b.root, { miner: 1 })
    expect(a.block.d).to.equal(c.block.d)
    await chain.importBlock(a.block, a.txs)
    const r = await chain.importBlock(c.block, c.txs)
    expect(r).to.deep.include({ kind: 'side', stored: true })
    expect(hex(chain.tip().id)).to.equal(hex(a.id))
    expect(chain.hasBlock(c.id)).to.equal(true)
  })

  it('blockContextFor gives the miner a context that validates, on the tip and on a side block', async () => {
    const xs = b.extend(b.root, 5, { txs: 2 })
    for (const x of xs) await chain.importBlock(x.block, x.txs)
    const side = b.child(xs[2])
    await chain.importBlock(side.block, side.txs)
    const ctx = chain.blockContextFor(chain.tip().id, TEST_NOW)!
    const built = buildBlock(net.keys[2], ctx, xs[4].block.t + 18, b.transfers(xs[4], 3))
    expect((await chain.importBlock(built.block, built.txs)).kind).to.equal('extended')
    const sctx = chain.blockContextFor(side.id)!
    expect(sctx.parentState.getAccount(net.keys[0].publicKey)).to.deep.equal(side.state.getAccount(net.keys[0].publicKey))
    const onSide = buildBlock(net.keys[1], sctx, side.block.t + 18, [])
    expect((await chain.importBlock(onSide.block, onSide.txs)).kind).to.equal('side')
    expect(chain.blockContextFor(new Uint8Array(32))).to.equal(undefined)
  })

  it('locator starts at the tip, thins out exponentially and ends at genesis', async () => {
    const xs = b.extend(b.root, 40)
    await chain.importBranch(xs.map(x => x.block), new Map())
    const loc = chain.locator().map(id => chain.getBlock(id)!.n)
    expect(loc.slice(0, 10)).to.deep.equal([40, 39, 38, 37, 36, 35, 34, 33, 32, 31])
    expect(loc.slice(10)).to.deep.equal([29, 25, 17, 1, 0])
    expect(chain.ancestors(xs[39].id, 3).map(x => x.n)).to.deep.equal([40, 39, 38])
  })

  it('a restart in the middle of a sync keeps what was committed and continues from there', async () => {
    const xs = b.extend(b.root, 10, { txs: 2 })
    for (const x of xs.slice(0, 6)) await chain.importBlock(x.block, x.txs)
    await chain.close()
    chain = await Chain.open(dir, net.genesis, { now: () => now })
    expect(hex(chain.tip().id)).to.equal(hex(xs[5].id))
    expect((await chain.importBlock(xs[5].block, xs[5].txs)).kind).to.equal('known')
    for (const x of xs.slice(6)) expect((await chain.importBlock(x.block, x.txs)).kind).to.equal('extended')
    for (const [, { key, account }] of xs[9].state.accounts) expect(chain.state.getAccount(key)).to.deep.equal(account)
  })
})
