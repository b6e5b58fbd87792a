// Store and chain import: LevelDB block commits (16 transactions each, one batch per block), and
// full imports through the Chain (decode from bytes, every §5 check, apply, commit) against the
// signature verification inside them. Goal: everything but verification costs less than
// verification itself, i.e. nonVerifyTime / verifyTime < 1.
import { decodeBlock, encodeBlock, verifyBlockSignature } from '../../chain/block.js'
import { Chain } from '../../chain/chain.js'
import { decodeTx, encodeTx, verifyTxSignature } from '../../chain/tx.js'
import { applyBlockTxs } from '../../chain/state/transition.js'
import { undoOf } from '../../chain/state/undo.js'
import { openStore } from '../../chain/store/open.js'
import type { StoreWrite } from '../../chain/store/write.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../test/helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../test/helpers/tmp.js'
import { type BenchRow, median, row } from './harness.js'

const REPS = 3
const BLOCKS = 150
const TXS_PER_BLOCK = 16

export async function run (): Promise<BenchRow[]> {
  const net = testNet()
  const b = new ChainBuilder(net)
  const built = b.extend(b.root, BLOCKS, { txs: TXS_PER_BLOCK })
  const wire = built.map(x => ({ block: encodeBlock(x.block), txs: x.txs.map(encodeTx) }))

  // Store commits alone: the writes a chain import would make, computed up front.
  const writes: StoreWrite[] = built.map((x, i) => {
    const parent = i === 0 ? b.root : built[i - 1]
    const tr = applyBlockTxs(parent.state, x.block.m, x.txs, net.genesis.config.blockReward)
    return {
      blocks: [{ block: x.block, txs: x.txs }], main: [{ n: x.block.n, id: x.id }],
      undo: [{ id: x.id, record: undoOf(tr.overlay, parent.state) }],
      accounts: [...tr.overlay.changes.values()].map(c => ({ key: c.key, account: c.account })), tip: x.block
    }
  })
  const commitRate: number[] = []
  for (let r = 0; r < REPS; r++) {
    const dir = makeTmpDir('tau-bench-store-')
    const store = await openStore(dir, net.genesis)
    const start = performance.now()
    for (const w of writes) await store.commit(w)
    commitRate.push(BLOCKS / ((performance.now() - start) / 1000))
    await store.close()
    removeDir(dir)
  }

  // Full imports, blocks decoded fresh from bytes (no cached ids or encodings).
  const importMs: number[] = []
  const verifyMs: number[] = []
  for (let r = 0; r < REPS; r++) {
    const dir = makeTmpDir('tau-bench-chain-')
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    const start = performance.now()
    for (const w of wire) {
      const res = await chain.importBlock(decodeBlock(w.block), w.txs.map(decodeTx))
      if (res.kind !== 'extended') throw new Error(`bench block not extended: ${res.kind}`)
    }
    importMs.push(performance.now() - start)
    await chain.close()
    removeDir(dir)
    // The same 1 + 16 signatures per block on fresh copies: what no implementation can avoid.
    const copies = wire.map(w => ({ block: decodeBlock(w.block), txs: w.txs.map(decodeTx) }))
    const vStart = performance.now()
    for (const c of copies) {
      if (!verifyBlockSignature(c.block)) throw new Error('bad block signature')
      for (const tx of c.txs) if (!verifyTxSignature(tx)) throw new Error('bad tx signature')
    }
    verifyMs.push(performance.now() - vStart)
  }
  const ratios = importMs.map((t, i) => (t - verifyMs[i]) / verifyMs[i])
  return [
    row('store.commit (block + 16 txs, one batch)', commitRate, 'blocks/s', { note: `${BLOCKS} blocks, median of ${REPS}` }),
    row('chain.import (decode, validate, apply, commit; 16 txs)', importMs.map(t => BLOCKS / (t / 1000)), 'blocks/s'),
    row('chain.import signature share', importMs.map((t, i) => verifyMs[i] / t), 'fraction',
      { note: `verify ${median(verifyMs).toFixed(0)} ms of ${median(importMs).toFixed(0)} ms` }),
    row('chain.import nonVerifyTime / verifyTime', ratios, 'ratio', { bound: 1.0, boundLabel: 'goal (below)' })
  ]
}
