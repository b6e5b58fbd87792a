// ChainStore.dropCaches (called once a long sync ended, node/memory.ts): the caches empty, every read
// afterwards returns what it returned before (from LevelDB), the chain goes on importing, and a drop
// is refused while a commit is between its batch and its cache update.
import { expect } from 'chai'
import { Chain } from '../../../../chain/chain.js'
import { encodeBlock } from '../../../../chain/block.js'
import { toHex } from '../../../../chain/hex.js'
import { encodeTx, txId } from '../../../../chain/tx.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'

const net = testNet()

describe('chain store dropCaches', function () {
  this.timeout(60_000)
  let dir: string
  let chain: Chain | undefined
  beforeEach(() => { dir = makeTmpDir('tau-drop-caches-') })
  afterEach(async () => { await chain?.close(); chain = undefined; removeDir(dir) })

  it('empties the caches; blocks, transactions, heights and accounts read the same afterwards', async () => {
    const builder = new ChainBuilder(net)
    const blocks = builder.extend(builder.root, 24, { txs: 3 })
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    for (const b of blocks.slice(0, 20)) expect((await chain.importBlock(b.block, b.txs)).kind).to.equal('extended')
    const store = chain.store
    const read = (): string[] => blocks.slice(0, 20).flatMap(b => [
      toHex(encodeBlock(store.getBlock(b.id) ?? expect.fail('block missing'))),
      toHex(store.mainIdAt(b.block.n) ?? expect.fail('height missing')),
      ...b.txs.map(tx => toHex(encodeTx(store.getTx(txId(tx)) ?? expect.fail('tx missing')))),
      ...b.txs.map(tx => JSON.stringify(store.getAccount(tx.f) ?? null))
    ])
    const before = read()
    const first = store.dropCaches()
    expect(first).to.not.equal(false)
    if (first === false) return
    expect(first.dropped).to.be.greaterThan(20 + 60) // at least the blocks and the transactions
    expect(store.dropCaches()).to.deep.equal({ dropped: 0 })
    expect(read()).to.deep.equal(before)
    // The reads refilled them, and the chain goes on from the same state.
    expect(store.dropCaches()).to.not.deep.equal({ dropped: 0 })
    for (const b of blocks.slice(20)) expect((await chain.importBlock(b.block, b.txs)).kind).to.equal('extended')
    expect(chain.tip().n).to.equal(24)
    for (const [, { key, account }] of blocks[23].state.accounts) expect(chain.state.getAccount(key)).to.deep.equal(account)
  })

  it('is refused while a commit is under way', async () => {
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    const store = chain.store
    const commit = store.commit({})
    expect(store.busy).to.equal(true)
    expect(store.dropCaches()).to.equal(false)
    await commit
    expect(store.busy).to.equal(false)
    expect(store.dropCaches()).to.not.equal(false)
  })
})
