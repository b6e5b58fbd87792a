// PROTOCOL §5 block validation: a valid block passes, and every rule has a block that fails it
// with its own code (re-signed, so the failure is the rule's and not the signature's).
import { expect } from 'chai'
import { type Block, type UnsignedBlock, blockId, blockWithSignature, signBlock } from '../../../../chain/block.js'
import { ChainError } from '../../../../chain/errors.js'
import { createNote, createTransfer, txId, type Transaction } from '../../../../chain/tx.js'
import { keyPairFromSeed, type KeyPair } from '../../../../chain/crypto.js'
import {
  type BlockContext, validateBlock, validateBlockHeader, verifyTxList
} from '../../../../chain/consensus/validateBlock.js'
import { buildBlock, earliestTimeFor } from '../../../../chain/miner.js'
import { MemChain, testGenesis, testKeys } from '../../../helpers/simChain.js'

function codeOf (fn: () => unknown): string {
  try { fn() } catch (e) { if (e instanceof ChainError) return e.code; throw e }
  return 'OK'
}

function resign (block: Block, change: Partial<UnsignedBlock>, key: KeyPair): Block {
  const { s: _s, ...unsigned } = block
  return signBlock({ ...unsigned, ...change }, key.secretKey)
}

describe('chain/consensus/validateBlock', () => {
  const keys = testKeys(5)
  const genesis = testGenesis(keys, [100, 49, 25, 9, 0])
  const chain = new MemChain(genesis)
  // 13 blocks: ancestor3 is in play and the checkpoint (cp(14) = 6 with M = 6) is not genesis.
  for (let k = 0; k < 13; k++) chain.mine(keys[k % 4])
  const miner = keys[0]
  const t = earliestTimeFor(chain.context(0), miner.publicKey)
  const ctx = (): BlockContext => chain.context(t)
  const chainId = genesis.chainId
  const transfer = (from: KeyPair, nonce: number, o: { fee?: number, amount?: number, t?: number, chainId?: Uint8Array } = {}): Transaction =>
    createTransfer(from.secretKey, from.publicKey, {
      chainId: o.chainId ?? chainId, to: keys[4].publicKey, amount: o.amount ?? 100, fee: o.fee ?? 2, nonce, timestamp: o.t ?? t
    })
  const nonceOf = (k: KeyPair): number => chain.tipState.getAccount(k.publicKey)?.nonce ?? 0
  const good = buildBlock(miner, ctx(), t, [])
  /** A block whose x lists `txs` (whatever they are), properly signed by the miner. */
  const withTxs = (txs: Transaction[]): Block => resign(good.block, { x: txs.map(txId) }, miner)

  it('accepts a block built by the miner and returns its transition', () => {
    const txs = [transfer(keys[1], nonceOf(keys[1]) + 1, { fee: 3 }), transfer(keys[2], nonceOf(keys[2]) + 1, { fee: 4 })]
    const built = buildBlock(miner, ctx(), t, txs)
    expect(built.txs).to.have.length(2)
    const tr = validateBlock(built.block, built.txs, ctx())
    expect(tr.fees).to.equal(7)
    const before = chain.tipState.getAccount(miner.publicKey)!.balance
    expect(tr.overlay.getAccount(miner.publicKey)!.balance).to.equal(before + 7 + genesis.config.blockReward)
    expect(tr.overlay.getAccount(keys[1].publicKey)!.power).to.equal(chain.tipState.getAccount(keys[1].publicKey)!.power + 1)
  })

  const headerCases: Array<[string, () => Block, (() => BlockContext)?]> = [
    ['BLOCK_BAD_VERSION', () => resign(good.block, { v: 2 }, miner)],
    ['BLOCK_WRONG_CHAIN', () => resign(good.block, { c: new Uint8Array(16).fill(9) }, miner)],
    ['BLOCK_BAD_PARENT', () => resign(good.block, { p: new Uint8Array(32).fill(1) }, miner)],
    ['BLOCK_BAD_PARENT_HEIGHT', () => resign(good.block, { n: good.block.n + 1 }, miner)],
    ['BLOCK_TOO_SOON', () => resign(good.block, { t: chain.tip.t + 1 }, miner)],
    ['BLOCK_FROM_FUTURE', () => good.block, () => ({ ...ctx(), now: t - 16 })],
    ['BLOCK_BAD_BASE_TARGET', () => resign(good.block, { b: good.block.b + 1n }, miner)],
    ['BLOCK_BAD_GENERATION_SIGNATURE', () => resign(good.block, { g: new Uint8Array(32).fill(3) }, miner)],
    ['BLOCK_BAD_DIFFICULTY', () => resign(good.block, { d: good.block.d - 1n }, miner)],
    ['BLOCK_BAD_CHECKPOINT', () => resign(good.block, { i: blockId(chain.blocks[0]) }, miner)],
    ['BLOCK_BAD_SIGNATURE', () => resign(good.block, {}, keys[1])],
    ['BLOCK_BAD_SIGNATURE', () => blockWithSignature({ ...good.block }, new Uint8Array(64).fill(1))]
  ]
  for (const [code, make, context] of headerCases) {
    it(`rejects with ${code}`, () => {
      const c = (context ?? ctx)()
      expect(codeOf(() => validateBlockHeader(make(), c))).to.equal(code)
      expect(codeOf(() => validateBlock(make(), [], c))).to.equal(code)
    })
  }

  it('accepts a timestamp exactly MAX_FUTURE_DRIFT ahead of now', () => {
    expect(codeOf(() => validateBlock(good.block, [], { ...ctx(), now: t - 15 }))).to.equal('OK')
  })

  it('reports the first failing rule in protocol order', () => {
    const b = resign(good.block, { v: 2, d: 5n, t: chain.tip.t + 1 }, keys[3])
    expect(codeOf(() => validateBlock(b, [], ctx()))).to.equal('BLOCK_BAD_VERSION')
    const b2 = resign(good.block, { d: 5n, b: 7n }, keys[3])
    expect(codeOf(() => validateBlock(b2, [], ctx()))).to.equal('BLOCK_BAD_BASE_TARGET')
  })

  describe('eligibility', () => {
    const zero = keys[4] // power 0
    it('rejects a miner one second before its earliest time with BLOCK_NOT_ELIGIBLE', () => {
      const c = chain.context(0)
      let tested = 0
      for (const k of keys.slice(0, 4)) {
        const early = earliestTimeFor(c, k.publicKey) - 1
        if (early < chain.tip.t + 2) continue // earliest is MIN_BT: nothing earlier is even timely
        const b = buildBlock(k, c, early, []).block
        expect(codeOf(() => validateBlock(b, [], { ...c, now: early }))).to.equal('BLOCK_NOT_ELIGIBLE')
        const onTime = buildBlock(k, c, early + 1, []).block
        expect(codeOf(() => validateBlock(onTime, [], { ...c, now: early + 1 }))).to.equal('OK')
        tested++
      }
      expect(tested).to.be.greaterThan(0)
    })
    it('rejects a power-0 miner before MAX_BT and accepts it at MAX_BT (liveness)', () => {
      const c = chain.context(0)
      const late = buildBlock(zero, c, chain.tip.t + 17, []).block
      expect(codeOf(() => validateBlock(late, [], { ...c, now: late.t }))).to.equal('BLOCK_NOT_ELIGIBLE')
      expect(earliestTimeFor(c, zero.publicKey)).to.equal(chain.tip.t + 18)
      const ok = buildBlock(zero, c, chain.tip.t + 18, []).block
      expect(codeOf(() => validateBlock(ok, [], { ...c, now: ok.t }))).to.equal('OK')
    })
    it('takes p from the parent state: an unknown key has p = 0', () => {
      const stranger = keyPairFromSeed('stranger')
      const c = chain.context(0)
      expect(earliestTimeFor(c, stranger.publicKey)).to.equal(chain.tip.t + 18)
      const b = buildBlock(stranger, c, chain.tip.t + 10, []).block
      expect(codeOf(() => validateBlock(b, [], { ...c, now: b.t }))).to.equal('BLOCK_NOT_ELIGIBLE')
    })
  })

  describe('transaction list', () => {
    it('BLOCK_TOO_MANY_TXS: more than 16 ids (the codec cannot even sign such a block)', () => {
      const x = Array.from({ length: 17 }, (_, k) => new Uint8Array(32).fill(k))
      expect(codeOf(() => verifyTxList({ ...good.block, x }))).to.equal('BLOCK_TOO_MANY_TXS')
    })
    it('BLOCK_DUPLICATE_TX: an id listed twice', () => {
      const tx = transfer(keys[1], nonceOf(keys[1]) + 1)
      expect(codeOf(() => validateBlock(withTxs([tx, tx]), [tx, tx], ctx()))).to.equal('BLOCK_DUPLICATE_TX')
    })
    it('BLOCK_TX_MISMATCH: missing, extra or reordered transactions', () => {
      const a = transfer(keys[1], nonceOf(keys[1]) + 1)
      const b = transfer(keys[2], nonceOf(keys[2]) + 1)
      const block = withTxs([a, b])
      expect(codeOf(() => validateBlock(block, [a], ctx()))).to.equal('BLOCK_TX_MISMATCH')
      expect(codeOf(() => validateBlock(block, [b, a], ctx()))).to.equal('BLOCK_TX_MISMATCH')
      expect(codeOf(() => validateBlock(good.block, [a], ctx()))).to.equal('BLOCK_TX_MISMATCH')
      expect(codeOf(() => validateBlock(block, [a, b], ctx()))).to.equal('OK')
    })
  })

  describe('transactions', () => {
    const n1 = (): number => nonceOf(keys[1]) + 1
    const cases: Array<[string, () => Transaction[]]> = [
      ['TX_WRONG_CHAIN', () => [transfer(keys[1], n1(), { chainId: new Uint8Array(16) })]],
      ['TX_FEE_TOO_LOW', () => [transfer(keys[1], n1(), { fee: 0 })]],
      ['TX_FROM_FUTURE', () => [transfer(keys[1], n1(), { t: t + 16 })]],
      ['TX_BAD_SIGNATURE', () => { const tx = transfer(keys[1], n1()); return [{ ...tx, s: transfer(keys[2], n1()).s }] }],
      ['TX_BAD_NONCE', () => [transfer(keys[1], n1() + 1)]],
      ['TX_BAD_NONCE', () => [transfer(keys[1], n1()), transfer(keys[1], n1())]],
      ['TX_INSUFFICIENT_BALANCE', () => [transfer(keys[1], n1(), { amount: 10_000_000 })]],
      ['TX_INSUFFICIENT_BALANCE', () => { const s = keyPairFromSeed('penniless'); return [createNote(s.secretKey, s.publicKey, { chainId, fee: 1, nonce: 1, timestamp: t })] }]
    ]
    for (const [code, make] of cases) {
      it(`rejects with ${code}, tagged with the transaction's index`, () => {
        const ok = transfer(keys[3], nonceOf(keys[3]) + 1)
        const txs = [ok, ...make()]
        let err: ChainError | undefined
        try { validateBlock(withTxs(txs), txs, ctx()) } catch (e) { err = e as ChainError }
        expect(err?.code).to.equal(code)
        expect(err?.data?.index).to.equal(txs.length - 1)
      })
    }
    it('a tx timestamp exactly MAX_FUTURE_DRIFT after the block time is valid', () => {
      const txs = [transfer(keys[1], n1(), { t: t + 15 })]
      expect(codeOf(() => validateBlock(withTxs(txs), txs, ctx()))).to.equal('OK')
    })
  })

  it('refuses a context without the ancestor three blocks back (caller bug)', () => {
    expect(codeOf(() => validateBlock(good.block, [], { ...ctx(), ancestor3: undefined }))).to.equal('BLOCK_CONTEXT_BAD_ANCESTOR')
    expect(codeOf(() => validateBlock(good.block, [], { ...ctx(), ancestor3: chain.blocks[3] }))).to.equal('BLOCK_CONTEXT_BAD_ANCESTOR')
  })
})
