// Chain rules: full block validation (16 transactions each) against signature verification alone,
// pool admission, and the miner's block build. Objects are decoded fresh for every measured
// validation, as blocks from the network are, so no cached id or encoding flatters the figures.
import { BLOCK_SCHEMA, type Block, decodeBlock, encodeBlock } from '../../chain/block.js'
import { keyPairFromSeed, verifyHash } from '../../chain/crypto.js'
import { TX_SCHEMA, type Transaction, createTransfer, decodeTx, encodeTx } from '../../chain/tx.js'
import { signingHashOf } from '../../chain/signed.js'
import { validateBlock } from '../../chain/consensus/validateBlock.js'
import { buildBlock, earliestTimeFor, mineBlock } from '../../chain/miner.js'
import { TxPool } from '../../chain/pool/pool.js'
import { MemChain, testGenesis } from '../../test/helpers/simChain.js'
import { type BenchRow, row } from './harness.js'

const REPS = 3

function timed (fn: () => void): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}

export async function run (): Promise<BenchRow[]> {
  const senders = Array.from({ length: 256 }, (_, k) => keyPairFromSeed('bench-sender-' + k))
  const miner = keyPairFromSeed('bench-miner')
  const genesis = testGenesis([miner, ...senders], [100, ...senders.map(() => 1)])
  const chain = new MemChain(genesis)
  for (let k = 0; k < 4; k++) chain.mine(miner)
  const t = earliestTimeFor(chain.context(0), miner.publicKey)
  const ctx = chain.context(t)
  const transfer = (k: number, nonce: number, fee: number): Transaction => createTransfer(senders[k].secretKey, senders[k].publicKey, {
    chainId: genesis.chainId, to: miner.publicKey, amount: 5, fee, nonce, timestamp: t
  })

  // ---- block validation vs. verification ------------------------------------------------------
  const BLOCKS = 8
  const COPIES = 40
  const blocks = Array.from({ length: BLOCKS }, (_, b) => buildBlock(miner, ctx, t, Array.from({ length: 16 }, (_, k) => transfer(b * 16 + k, 1, 2))))
  const wire = blocks.map(bb => ({ block: encodeBlock(bb.block), txs: bb.txs.map(encodeTx) }))
  const fresh = (): Array<{ block: Block, txs: Transaction[] }> => {
    const out = []
    for (let c = 0; c < COPIES; c++) for (const w of wire) out.push({ block: decodeBlock(w.block), txs: w.txs.map(decodeTx) })
    return out
  }
  const perBlockMs: number[] = []
  const verifyMs: number[] = []
  for (let r = 0; r < REPS; r++) {
    const items = fresh()
    perBlockMs.push(timed(() => { for (const it of items) validateBlock(it.block, it.txs, ctx) }) / items.length)
    // The same 17 signatures per block, hashes precomputed: the cost no implementation can avoid.
    const sigs = fresh().map(it => [
      { s: it.block.s, h: signingHashOf(BLOCK_SCHEMA, it.block), k: it.block.m },
      ...it.txs.map(tx => ({ s: tx.s, h: signingHashOf(TX_SCHEMA, tx), k: tx.f }))
    ])
    verifyMs.push(timed(() => { for (const set of sigs) for (const x of set) if (!verifyHash(x.s, x.h, x.k)) throw new Error('bad sig') }) / sigs.length)
  }
  const nonVerify = perBlockMs.map((ms, r) => (ms - verifyMs[r]) / verifyMs[r])

  // ---- pool admission -------------------------------------------------------------------------
  const poolTxs: Uint8Array[] = []
  for (let k = 0; k < senders.length; k++) for (let n = 1; n <= 16; n++) poolTxs.push(encodeTx(transfer(k, n, 1 + ((k * 7 + n) % 13))))
  const makePool = (): TxPool => new TxPool({ rules: { chainId: genesis.chainId, minFee: 1 }, getState: () => chain.tipState, now: () => t })
  const admitRate: number[] = []
  let full = makePool()
  for (let r = 0; r < REPS; r++) {
    const txs = poolTxs.map(decodeTx)
    const pool = makePool()
    admitRate.push(txs.length / (timed(() => { for (const tx of txs) pool.add(tx) }) / 1000))
    full = pool
  }

  // ---- miner ------------------------------------------------------------------------------------
  const buildMs: number[] = []
  for (let r = 0; r < 30; r++) buildMs.push(timed(() => mineBlock(miner, ctx, t, full)))

  return [
    row('chain.validateBlock 16 txs', perBlockMs.map(ms => 1000 / ms), 'blocks/s', { note: 'decoded fresh; incl. 17 signature checks' }),
    row('chain.verify 17 sigs/block', verifyMs.map(ms => 1000 / ms), 'blocks/s', { note: 'verification alone' }),
    row('chain.validate nonVerify/verify', nonVerify, 'ratio', { bound: 1.0, boundLabel: 'goal', note: 'time outside signature checks per unit of verify time' }),
    row('chain.pool admission', admitRate, 'txs/s', { note: `${poolTxs.length} txs, 256 senders, incl. signature check` }),
    row('chain.miner build (pool of 4096)', buildMs, 'ms/block', { note: `selection + apply + sign; median of ${buildMs.length}` })
  ]
}
