// The chain-event pipeline on a real Chain in a temp dir: a tip change streams a block event per
// new main-chain block and hands the mined transactions on; a reorg hands back the transactions
// of the blocks it removed before the tip follows; after its Stop nothing reacts any more.
import { expect } from 'chai'
import { Writable } from 'node:stream'
import { Chain } from '../../../../chain/chain.js'
import { toHex } from '../../../../chain/hex.js'
import { type Transaction, txId } from '../../../../chain/tx.js'
import { NodeEvents, type NodeState } from '../../../../node/context.js'
import { createLogger } from '../../../../node/logger.js'
import { PeerSet } from '../../../../node/peers.js'
import { ChainEventsPipeline, type ChainEventsContext } from '../../../../node/pipelines/chainEvents.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'

const net = testNet({ mutableRange: 3 })
const ids = (txs: Transaction[]): string[] => txs.map(t => toHex(txId(t)))

describe('node/pipelines/chainEvents', () => {
  let dir: string
  let chain: Chain
  let ctx: ChainEventsContext
  const calls: string[] = []
  let mined: Transaction[][]
  let returned: Transaction[][]

  beforeEach(async () => {
    dir = makeTmpDir('tau-chainevents-')
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    const state: NodeState = {
      syncing: false, ready: true, miningEnabled: false, nextEligibleTime: null, minedBlocks: 0,
      importedBlocks: 0, reorgs: 0, votingRounds: 0, voteRounds: [], startedAtMs: 0
    }
    const sink = new Writable({ write (_c, _e, cb) { cb() } })
    ctx = { chain, key: net.keys[0], state, log: createLogger('error', 'json', sink), events: new NodeEvents(), peers: new PeerSet(net.keys[0].publicKey) }
    calls.length = 0; mined = []; returned = []
    ctx.events.on('block', e => calls.push(`block ${e.block.n}`))
    ctx.events.on('reorg', e => calls.push(`reorg ${e.depth}`))
  })
  afterEach(async () => { await chain.close(); removeDir(dir) })

  const start = (): (() => void | Promise<void>) => new ChainEventsPipeline(ctx, {
    onReorg: txs => { calls.push('onReorg'); returned.push(txs) },
    onTip: txs => { calls.push('onTip'); mined.push(txs) }
  }).start()

  it('streams each new block, then hands its transactions on; counts blocks of other miners', async () => {
    const stop = start()
    const b = new ChainBuilder(net)
    const [b1, b2] = b.extend(b.root, 2, { txs: 2 })
    await chain.importBlock(b1.block, b1.txs)
    await chain.importBranch([b2.block], b.txMap([b2]))
    expect(calls).to.deep.equal(['block 1', 'onTip', 'block 2', 'onTip'])
    expect(mined.map(ids)).to.deep.equal([ids(b1.txs), ids(b2.txs)])
    const others = [b1, b2].filter(x => toHex(x.block.m) !== toHex(net.keys[0].publicKey)).length
    expect(ctx.state.importedBlocks).to.equal(others)
    // Senders and miners other than this node's key become peers.
    const self = toHex(net.keys[0].publicKey)
    const strangers = [...b1.txs, ...b2.txs].map(t => t.f).concat([b1.block.m, b2.block.m]).filter(k => toHex(k) !== self)
    expect(strangers.length).to.be.greaterThan(0)
    for (const k of strangers) expect(ctx.peers.get(k), toHex(k)).to.not.equal(undefined)
    await stop()
  })

  it('on a reorg, returns the removed blocks\' transactions before the tip follows', async () => {
    const stop = start()
    const b = new ChainBuilder(net)
    const main = b.extend(b.root, 3, { txs: 2 })
    for (const x of main) await chain.importBlock(x.block, x.txs)
    calls.length = 0; mined = []
    const branch = b.extend(main[1], 2, { txs: 1 })
    await chain.importBranch(branch.map(x => x.block), b.txMap(branch))
    expect(calls).to.deep.equal(['reorg 1', 'onReorg', 'block 3', 'block 4', 'onTip'])
    expect(ctx.state.reorgs).to.equal(1)
    expect(mined.map(ids)).to.deep.equal([[...ids(branch[0].txs), ...ids(branch[1].txs)]])
    expect(returned.flatMap(ids).sort()).to.deep.equal(ids(main[2].txs).sort())
    await stop()
  })

  it('reacts to nothing after its Stop', async () => {
    const stop = start()
    await stop()
    const b = new ChainBuilder(net)
    const [b1] = b.extend(b.root, 1, { txs: 1 })
    expect((await chain.importBlock(b1.block, b1.txs)).kind).to.equal('extended')
    expect(calls).to.deep.equal([])
    expect(chain.listenerCount('tip') + chain.listenerCount('reorg') + chain.listenerCount('warning')).to.equal(0)
  })
})
