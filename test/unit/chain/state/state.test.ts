// Apply and undo per block, transfers to new accounts, and the oracle: the state at every
// main-chain height equals a replay from genesis.
import { expect } from 'chai'
import { Chain } from '../../../../chain/chain.js'
import { toHex } from '../../../../chain/hex.js'
import type { StateView } from '../../../../chain/state/account.js'
import { applyBlockTxs } from '../../../../chain/state/transition.js'
import { RollbackView, undoOf } from '../../../../chain/state/undo.js'
import { MemoryState, genesisState, replayFromGenesis } from '../../../../chain/state/replay.js'
import { encodeUndo, decodeUndo } from '../../../../chain/store/records.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'
import { verifyStore } from '../../../../chain/store/verify.js'

const net = testNet()

/** Every account of `expected` reads the same through `view`, and `absent` keys read undefined. */
function expectSameState (view: StateView, expected: MemoryState, absent: Uint8Array[] = []): void {
  for (const [hex, { key, account }] of expected.accounts) expect(view.getAccount(key), hex).to.deep.equal(account)
  for (const k of absent) if (expected.getAccount(k) === undefined) expect(view.getAccount(k), toHex(k)).to.equal(undefined)
}

describe('chain state: apply and undo', function () {
  it('undo records round-trip: rolling back block by block gives every earlier state', () => {
    const b = new ChainBuilder(net)
    const blocks = b.extend(b.root, 6, { txs: 5 })
    const states = [genesisState(net.genesis)]
    const undos = []
    for (const x of blocks) {
      const parent = states[states.length - 1]
      const tr = applyBlockTxs(parent, x.block.m, x.txs, net.genesis.config.blockReward)
      const undo = undoOf(tr.overlay, parent)
      expect(decodeUndo(encodeUndo(undo))).to.deep.equal(undo) // the stored form loses nothing
      undos.push(undo)
      const next = parent.clone()
      next.apply(tr.overlay)
      expect(next.entries()).to.deep.equal(x.state.entries())
      states.push(next)
    }
    const touched = blocks.flatMap(x => [...x.state.accounts.values()].map(a => a.key))
    const view = new RollbackView(states[6])
    for (let h = 6; h >= 1; h--) {
      view.undo(undos[h - 1])
      expectSameState(view, states[h - 1], touched)
    }
  })

  it('a transfer to a new account creates it; undo makes it absent again', () => {
    const b = new ChainBuilder(net)
    const fresh = new Uint8Array(32).fill(0xab)
    const tx = b.transfers(b.root, 1, { to: fresh, amount: 777 })
    const x = b.child(b.root, { txs: tx })
    expect(x.state.getAccount(fresh)).to.deep.equal({ balance: 777, nonce: 0, power: 0 })
    const g = genesisState(net.genesis)
    const tr = applyBlockTxs(g, x.block.m, x.txs, net.genesis.config.blockReward)
    const undo = undoOf(tr.overlay, g)
    expect(undo.find(e => toHex(e.key) === toHex(fresh))?.prior).to.equal(undefined)
    const view = new RollbackView(x.state)
    view.undo(undo)
    expect(view.getAccount(fresh)).to.equal(undefined)
  })
})

describe('chain state in the store', function () {
  let dir: string
  beforeEach(() => { dir = makeTmpDir('tau-state-') })
  afterEach(() => { removeDir(dir) })

  it('the state at every main-chain height equals a replay from genesis, before and after a reorg', async () => {
    const b = new ChainBuilder(testNet({ mutableRange: 4 }))
    const main = b.extend(b.root, 16, { txs: 4 })
    const side = b.extend(main[11], 5, { txs: 6 }) // forks at 12, depth 4, one block longer
    const chain = await Chain.open(dir, b.genesis, { now: () => TEST_NOW })
    for (const x of main) await chain.importBlock(x.block, x.txs)
    const allKeys = [...main, ...side].flatMap(x => [...x.state.accounts.values()].map(a => a.key))
    const check = (tip: typeof main[0]): void => {
      const path = b.path(tip)
      for (let h = 0; h <= path.length; h++) {
        const oracle = replayFromGenesis(b.genesis, path.slice(0, h))
        const id = h === 0 ? b.genesis.blockId : path[h - 1].id
        expectSameState(chain.stateAt(id)!, oracle, allKeys)
      }
    }
    check(main[15])
    const r = await chain.importBranch(side.map(x => x.block), b.txMap(side))
    expect(r.kind).to.equal('reorged')
    check(side[4])
    expectSameState(chain.state, side[4].state, allKeys) // the tip state is the store's account space
    expect((await verifyStore(chain.store)).ok).to.equal(true)
    await chain.close()
  })
})
