// The miner: when a key may mine, and blocks that validate with the best applicable transactions.
import { expect } from 'chai'
import { MAX_SAFE_INT } from '../../../chain/constants.js'
import { keyPairFromSeed, type KeyPair } from '../../../chain/crypto.js'
import { toHex } from '../../../chain/hex.js'
import { type Transaction, createTransfer, txId } from '../../../chain/tx.js'
import { earliestMiningTime, effectivePower, generationSignature, hitOf, nextBaseTarget } from '../../../chain/consensus/pot.js'
import { deriveChildFields, minerEffectivePower, validateBlock } from '../../../chain/consensus/validateBlock.js'
import { buildBlock, earliestTimeFor, mineBlock, plannedMiningFor, plannedTimeFor } from '../../../chain/miner.js'
import { TxPool } from '../../../chain/pool/pool.js'
import { MapState, MemChain, testGenesis, testKeys } from '../../helpers/simChain.js'

describe('chain/miner', () => {
  const keys = testKeys(4, 'miner-')
  const genesis = testGenesis(keys, [100, 16, 1, 0], { blockReward: 7 })
  const chain = new MemChain(genesis)
  for (let k = 0; k < 5; k++) chain.mine(keys[k % 3])
  const parent = chain.tip
  const t0 = parent.t
  const send = (from: KeyPair, nonce: number, fee = 2, amount = 10, to = keys[3].publicKey): Transaction =>
    createTransfer(from.secretKey, from.publicKey, { chainId: genesis.chainId, to, amount, fee, nonce, timestamp: t0 })
  const nonceOf = (k: KeyPair): number => chain.tipState.getAccount(k.publicKey)!.nonce

  it('computes the earliest time from the parent state and the §4 formula', () => {
    const ctx = chain.context(0)
    const b = nextBaseTarget(parent, chain.blocks[parent.n - 3], 10)
    for (const k of keys.slice(0, 3)) {
      const p = effectivePower(chain.tipState.getAccount(k.publicKey)!.power)
      const hit = hitOf(generationSignature(parent.g, k.publicKey))
      const want = earliestMiningTime({ parentT: parent.t, b, p, hit, blockTime: 10 })
      expect(earliestTimeFor(ctx, k.publicKey)).to.equal(Number(want))
    }
    expect(earliestTimeFor(ctx, keys[3].publicKey)).to.equal(parent.t + 18) // p = 0 → MAX_BT
  })

  it('builds a block at the earliest time that passes validateBlock', () => {
    for (const k of keys) {
      const t = earliestTimeFor(chain.context(0), k.publicKey)
      const built = buildBlock(k, chain.context(t), t, [])
      expect(() => validateBlock(built.block, built.txs, chain.context(t))).to.not.throw()
      expect(toHex(built.id)).to.have.length(64)
    }
  })

  it('takes at most 16 transactions and credits fees plus reward', () => {
    const t = earliestTimeFor(chain.context(0), keys[0].publicKey)
    const cands = Array.from({ length: 20 }, (_, k) => send(keys[1], nonceOf(keys[1]) + 1 + k, 3))
    const built = buildBlock(keys[0], chain.context(t), t, cands)
    expect(built.txs).to.have.length(16)
    expect(built.transition.fees).to.equal(48)
    const tr = validateBlock(built.block, built.txs, chain.context(t))
    const before = chain.tipState.getAccount(keys[0].publicKey)!.balance
    expect(tr.overlay.getAccount(keys[0].publicKey)!.balance).to.equal(before + 48 + 7)
  })

  it('skips inapplicable candidates and reports why', () => {
    const t = earliestTimeFor(chain.context(0), keys[0].publicKey)
    const n1 = nonceOf(keys[1]) + 1
    const poor = keyPairFromSeed('miner-poor')
    const ok = send(keys[1], n1)
    const future = createTransfer(keys[2].secretKey, keys[2].publicKey, {
      chainId: genesis.chainId, to: keys[3].publicKey, amount: 1, fee: 1, nonce: nonceOf(keys[2]) + 1, timestamp: t + 16
    })
    const cands = [ok, ok, send(keys[1], n1 + 2), send(poor, 1), send(keys[1], n1 + 1, 2, 10_000_000), future]
    const built = buildBlock(keys[0], chain.context(t), t, cands)
    expect(built.txs).to.deep.equal([ok])
    expect(built.skipped.map(s => s.code)).to.deep.equal(['TX_BAD_NONCE', 'TX_INSUFFICIENT_BALANCE', 'TX_INSUFFICIENT_BALANCE', 'TX_FROM_FUTURE'])
    expect(() => validateBlock(built.block, built.txs, chain.context(t))).to.not.throw()
  })

  it('a candidate failing half-way leaves no trace (receiver overflow)', () => {
    const rich = keyPairFromSeed('miner-rich')
    const ctx = chain.context(0)
    const accounts = new Map(chain.tipState.accounts)
    accounts.set(toHex(rich.publicKey), { balance: MAX_SAFE_INT - 5, nonce: 0, power: 0 })
    ctx.parentState = new MapState(accounts)
    const t = earliestTimeFor(ctx, keys[0].publicKey)
    ctx.now = t
    const n1 = nonceOf(keys[1]) + 1
    const overflow = send(keys[1], n1, 2, 10, rich.publicKey)
    const fine = send(keys[1], n1, 3)
    const built = buildBlock(keys[0], ctx, t, [overflow, fine])
    expect(built.skipped.map(s => s.code)).to.deep.equal(['TX_OVERFLOW'])
    expect(built.txs).to.deep.equal([fine])
    expect(() => validateBlock(built.block, built.txs, ctx)).to.not.throw()
  })

  it('mines from the pool: highest fees first, each sender in nonce order', () => {
    const t = earliestTimeFor(chain.context(0), keys[0].publicKey)
    const pool = new TxPool({ rules: { chainId: genesis.chainId, minFee: 1 }, getState: () => chain.tipState, now: () => t })
    const a1 = send(keys[1], nonceOf(keys[1]) + 1, 1); const a2 = send(keys[1], nonceOf(keys[1]) + 2, 9)
    const b1 = send(keys[2], nonceOf(keys[2]) + 1, 5)
    for (const tx of [a2, b1, a1]) pool.add(tx)
    const built = mineBlock(keys[0], chain.context(t), t, pool)
    expect(built.txs.map(tx => toHex(txId(tx)))).to.deep.equal([b1, a1, a2].map(tx => toHex(txId(tx))))
    chain.append(built.block, built.txs)
    pool.removeMined(built.txs)
    expect(pool.size).to.equal(0)
  })
})

describe('chain/miner plannedTimeFor', () => {
  const keys = testKeys(6, 'planned-')
  const genesis = testGenesis(keys, [400, 100, 9, 4, 1, 0])
  const chain = new MemChain(genesis)

  it('is the earliest time below MAX_BT, staggers liveness blocks up to 2·MAX_BT, and is always eligible', () => {
    let staggered = 0
    let early = 0
    for (let round = 0; round < 40; round++) {
      const ctx = chain.context(0)
      const P = chain.tip.t
      for (const k of keys) {
        const earliest = earliestTimeFor(ctx, k.publicKey)
        const planned = plannedTimeFor(ctx, k.publicKey)
        expect(planned).to.be.at.least(earliest)
        expect(planned).to.be.at.most(P + 36)
        if (earliest < P + 18) { expect(planned).to.equal(earliest); early++ } else staggered++
        const b = buildBlock(k, { ...ctx, now: planned }, planned, []).block
        expect(() => validateBlock(b, [], { ...ctx, now: planned })).to.not.throw()
      }
      expect(plannedTimeFor(ctx, keys[5].publicKey)).to.equal(P + 36) // p = 0
      chain.mine(keys[round % 5])
    }
    expect(early).to.be.greaterThan(0)
    expect(staggered).to.be.greaterThan(40) // at least the p = 0 key each round
  })
})

describe('chain/miner plannedMiningFor', () => {
  const keys = testKeys(6, 'offset-')
  const genesis = testGenesis(keys, [400, 100, 9, 4, 1, 0])
  const chain = new MemChain(genesis)

  it('orders keys due in the same second by their unrounded hit time, inside the spread', () => {
    let sameSecond = 0
    for (let round = 0; round < 200; round++) {
      const ctx = chain.context(0)
      const plans = keys.map(k => ({ k, ...plannedMiningFor(ctx, k.publicKey, 800) }))
      for (const x of plans) {
        expect(x.t).to.equal(plannedTimeFor(ctx, x.k.publicKey))
        expect(x.offsetMs).to.be.at.least(0).and.below(800)
      }
      // Keys whose plan is their unclamped earliest time: exact hit time = P.t + hit/(b·p).
      const exact = plans.filter(x => x.t === earliestTimeFor(ctx, x.k.publicKey) && x.t - ctx.parent.t > 2 && x.t - ctx.parent.t < 18)
      for (const a of exact) {
        for (const c of exact) {
          if (a === c || a.t !== c.t) continue
          sameSecond++
          const ea = exactHitTime(ctx, a.k.publicKey); const ec = exactHitTime(ctx, c.k.publicKey)
          if (ea < ec) expect(a.offsetMs).to.be.at.most(c.offsetMs)
        }
      }
      chain.mine(keys[round % 5])
    }
    expect(sameSecond).to.be.greaterThan(0) // the rule was exercised
  })
})

/** hit/(b·p) as a float, for ordering only. */
function exactHitTime (ctx: ReturnType<MemChain['context']>, key: Uint8Array): number {
  const { b, g } = deriveChildFields(ctx, key)
  const p = minerEffectivePower(ctx.parentState, key)
  return Number(hitOf(g)) / Number(b * p)
}
