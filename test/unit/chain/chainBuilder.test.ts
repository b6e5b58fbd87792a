// The test chain builder keeps per-block deltas and one live state instead of a full state per
// block: every block's `state` must still equal a replay from genesis, read in any order, before
// or after building on it, on forks too; a state handed out never changes; a long linear chain
// holds O(1) full states; and what it builds still imports through the real chain.
import { expect } from 'chai'
import { Chain } from '../../../chain/chain.js'
import { replayFromGenesis } from '../../../chain/state/replay.js'
import { type Built, ChainBuilder, TEST_NOW, testNet } from '../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

const net = testNet()

function expectReplayed (b: ChainBuilder, x: Built): void {
  expect(x.state.entries(), `state at ${x.block.n}`).to.deep.equal(replayFromGenesis(net.genesis, b.path(x)).entries())
}

describe('test chain builder: states', function () {
  it('every block state equals a replay from genesis, on interleaved forks, read in any order', () => {
    const b = new ChainBuilder(net)
    const main = b.extend(b.root, 6, { txs: 3 })
    const side = b.extend(main[2], 3, { txs: 2, miner: 1 })
    const main2 = b.extend(main[5], 3, { txs: 4, speed: 'fast' }) // back to the main branch
    const side2 = b.extend(side[2], 2, { txs: 1 }) // and to the side one
    const bad = b.badChild(main[3])
    const late = b.child(main[1], { txs: 2 }) // a fork low down, after everything above it
    const all = [...main, ...side, ...main2, ...side2, late]
    for (const x of [...all].reverse()) expectReplayed(b, x)
    expect(bad.state.entries()).to.deep.equal(main[3].state.entries())
    expect(b.root.state.entries()).to.deep.equal(replayFromGenesis(net.genesis, []).entries())
  })

  it('a state handed out never changes when the builder builds on or past it', () => {
    const b = new ChainBuilder(net)
    const [a] = b.extend(b.root, 1, { txs: 3 })
    const seen = a.state
    const before = seen.entries()
    const more = b.extend(a, 4, { txs: 3 })
    b.child(a, { txs: 2, miner: 2 })
    expect(seen.entries()).to.deep.equal(before)
    expect(a.state).to.equal(seen) // kept, not made again
    expectReplayed(b, more[3])
  })

  it('a long linear chain holds one full state besides the root, and release() drops a read one', () => {
    const b = new ChainBuilder(net)
    const xs = b.extend(b.root, 40, { txs: 4, speed: 'fast' })
    expect(b.keptStates()).to.equal(2) // the root's and the live one
    expectReplayed(b, xs[20])
    expect(b.keptStates()).to.equal(3)
    expect(b.release(xs[20])).to.equal(1)
    expect(b.release(b.root)).to.equal(0)
    expect(b.keptStates()).to.equal(2)
    expectReplayed(b, xs[20]) // made again, the same
    b.extend(xs[39], 5, { txs: 2 })
    expect(b.keptStates()).to.equal(3)
  })

  it('builds on another builder\'s root (same net) and reads states through its own blocks', () => {
    const b1 = new ChainBuilder(net)
    const b2 = new ChainBuilder(net)
    const xs = b2.extend(b1.root, 3, { txs: 2 })
    expectReplayed(b2, xs[2])
  })

  it('what it builds imports through the real chain, forks included', async () => {
    const dir = makeTmpDir('tau-builder-')
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    try {
      const b = new ChainBuilder(net)
      const main = b.extend(b.root, 8, { txs: 3 })
      const side = b.extend(main[5], 8, { txs: 2, speed: 'fast' }) // within the mutable range (3)
      for (const branch of [main, side]) {
        const r = await chain.importBranch(branch.map(x => x.block), b.txMap(branch))
        expect(r.kind).to.not.equal('invalid')
        expect((r as { invalid?: unknown }).invalid).to.equal(undefined)
      }
      const tip = side[7]
      expect(chain.tip().n).to.equal(tip.block.n)
      for (const [, { key, account }] of tip.state.accounts) expect(chain.state.getAccount(key)).to.deep.equal(account)
    } finally {
      await chain.close()
      removeDir(dir)
    }
  })
})
