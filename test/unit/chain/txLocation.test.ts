import { expect } from 'chai'
import { Chain } from '../../../chain/chain.js'
import { txId } from '../../../chain/tx.js'
import { blockId } from '../../../chain/block.js'
import { toHex } from '../../../chain/hex.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

describe('chain/store tx → block index', () => {
  it('finds the main-chain block of a transaction, and follows a reorg', async () => {
    const dir = makeTmpDir()
    const net = testNet({ mutableRange: 6 })
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    try {
      const b = new ChainBuilder(net)
      const shared = b.child(b.root, { txs: 1 })
      const a2 = b.child(shared, { txs: 1 })
      expect((await chain.importBranch([shared.block, a2.block], b.txMap([shared, a2]))).kind).to.equal('extended')
      const tx = a2.txs[0]
      const loc = await chain.store.txLocation(txId(tx))
      expect(toHex(loc?.id ?? new Uint8Array())).to.equal(toHex(blockId(a2.block)))
      expect(loc?.n).to.equal(2)
      // A heavier branch without that transaction: it is no longer on the main chain.
      const c2 = b.child(shared, { txs: 0, miner: 1 })
      const c3 = b.child(c2, { txs: 0 })
      const r = await chain.importBranch([c2.block, c3.block], b.txMap([c2, c3]))
      expect(r.kind).to.equal('reorged')
      expect(await chain.store.txLocation(txId(tx))).to.equal(undefined)
      // The side block a2 is still stored and indexed, but only main-chain blocks are answered.
      expect(chain.hasBlock(a2.id)).to.equal(true)
      expect(await chain.store.txLocation(new Uint8Array(32))).to.equal(undefined)
    } finally {
      await chain.close()
      removeDir(dir)
    }
  })
})
