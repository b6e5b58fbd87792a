// The sync speed-ups: the verified-signature cache, the worker pre-verification pool and batched
// staging. Functional checks only (what is marked verified, what is written), no timings.
import { expect } from 'chai'
import { openStore } from '../../../chain/store/open.js'
import { StagingArea } from '../../../chain/store/staging.js'
import { verifyTxSignature } from '../../../chain/tx.js'
import { isVerified, markVerified } from '../../../chain/verifyCache.js'
import { VerifyPool } from '../../../node/verifyPool.js'
import { ChainBuilder, testNet } from '../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

describe('sync speed-ups', () => {
  const net = testNet()
  const builder = new ChainBuilder(net)
  const built = builder.extend(builder.root, 4, { txs: 3 })

  it('the verified cache answers only for frozen objects and the signer they verified against', () => {
    const tx = built[0].txs[0]
    expect(Object.isFrozen(tx)).to.equal(true)
    expect(verifyTxSignature(tx)).to.equal(true)
    expect(isVerified(tx, tx.f)).to.equal(true)
    expect(isVerified(tx, new Uint8Array(32).fill(7))).to.equal(false)
    const loose = { ...tx }
    markVerified(loose, tx.f)
    expect(isVerified(loose, tx.f)).to.equal(false)
    // a changed signature is another object and is checked for real
    const bad = Object.freeze({ ...tx, s: new Uint8Array(64).fill(1) })
    expect(verifyTxSignature(bad)).to.equal(false)
  })

  it('the pool marks good signatures verified, never bad ones, and closes', async () => {
    const fresh = new ChainBuilder(net).extend(builder.root, 3, { txs: 2 })
    const bad = Object.freeze({ ...fresh[0].txs[0], s: new Uint8Array(64).fill(1) })
    const moved = Object.freeze({ ...fresh[1].block, t: fresh[1].block.t + 1 }) // the old signature over other fields
    const pool = new VerifyPool(1)
    try {
      for (const b of fresh) { pool.block(b.block); for (const t of b.txs) pool.tx(t) }
      pool.tx(bad)
      pool.block(moved)
      await pool.ready([...fresh.flatMap(b => [b.block, ...b.txs]), bad, moved])
      for (const b of fresh) {
        expect(isVerified(b.block, b.block.m)).to.equal(true)
        for (const t of b.txs) expect(isVerified(t, t.f)).to.equal(true)
      }
      expect(isVerified(bad, bad.f)).to.equal(false)
      expect(isVerified(moved, moved.m)).to.equal(false)
    } finally {
      await pool.close()
    }
  })

  it('the pool sends full batches, not one per event-loop turn, and an import\'s ready() does not wait for the timer', async () => {
    const fresh = new ChainBuilder(net).extend(builder.root, 5, { txs: 3 }) // 20 signatures
    const objs = fresh.flatMap(b => [b.block, ...b.txs])
    const pool = new VerifyPool(1, 8, 600_000) // the timer would outlast the test
    try {
      for (const b of fresh) {
        pool.block(b.block)
        for (const t of b.txs) { pool.tx(t); await new Promise(resolve => setImmediate(resolve)) } // arrivals a turn apart
      }
      expect(pool.batches).to.equal(2) // two full batches of 8; 4 still queued
      await pool.ready(objs)
      expect(pool.batches).to.equal(3)
      for (const b of fresh) {
        expect(isVerified(b.block, b.block.m)).to.equal(true)
        for (const t of b.txs) expect(isVerified(t, t.f)).to.equal(true)
      }
    } finally {
      await pool.close()
    }
  })

  it('stageMany writes one batch, skips what is staged and refuses past the limit', async () => {
    const dir = makeTmpDir('stage-many')
    const store = await openStore(dir, net.genesis)
    try {
      const ids = [1, 2, 3, 4, 5].map(i => new Uint8Array(32).fill(i))
      await store.staging.stage('tx', ids[0], new Uint8Array([1]))
      const small = new StagingArea(store.db, 3)
      await small.load()
      const refused = await small.stageMany(ids.map(id => ({ kind: 'tx' as const, id, bytes: Uint8Array.of(id[0]) })).concat([{ kind: 'tx', id: ids[1], bytes: Uint8Array.of(2) }]))
      expect(refused).to.equal(2)
      expect(small.size).to.equal(3)
      expect(small.get('tx', ids[1])).to.deep.equal(Uint8Array.of(2))
      expect(small.get('tx', ids[3])).to.equal(undefined)
      expect(await store.staging.stageMany([{ kind: 'block', id: ids[4], bytes: Uint8Array.of(9) }])).to.equal(0)
      expect(store.staging.get('block', ids[4])).to.deep.equal(Uint8Array.of(9))
    } finally {
      await store.close()
      removeDir(dir)
    }
  })
})
