// PROTOCOL §8 transaction pool: admission rules and their codes, limits and eviction, the mining
// selection, and the tip-change paths (removeMined, readmit, revalidate).
import { expect } from 'chai'
import { ChainError } from '../../../../chain/errors.js'
import { type KeyPair, keyPairFromSeed } from '../../../../chain/crypto.js'
import { toHex } from '../../../../chain/hex.js'
import { type Transaction, createNote, createTransfer, txId } from '../../../../chain/tx.js'
import type { Account } from '../../../../chain/state/account.js'
import { TxPool } from '../../../../chain/pool/pool.js'
import type { PoolLimits } from '../../../../chain/pool/entry.js'
import { MapState, testKeys } from '../../../helpers/simChain.js'

const CHAIN_ID = new Uint8Array(16).fill(4)
const NOW = 1_800_000_000
const keys = testKeys(8, 'pool-')
const dest = keyPairFromSeed('pool-dest').publicKey

function tx (from: KeyPair, nonce: number, fee = 2, o: { amount?: number, t?: number, chainId?: Uint8Array } = {}): Transaction {
  return createTransfer(from.secretKey, from.publicKey, {
    chainId: o.chainId ?? CHAIN_ID, to: dest, amount: o.amount ?? 10, fee, nonce, timestamp: o.t ?? NOW
  })
}

function stateWith (accounts: Array<[KeyPair, Partial<Account>]>): MapState {
  const m = new Map<string, Account>()
  for (const [k, a] of accounts) m.set(toHex(k.publicKey), { balance: 1_000_000, nonce: 0, power: 1, ...a })
  return new MapState(m)
}

function codeOf (fn: () => unknown): string {
  try { fn() } catch (e) { if (e instanceof ChainError) return e.code; throw e }
  return 'OK'
}

describe('chain/pool', () => {
  let state: MapState
  let now: number
  const makePool = (limits?: Partial<PoolLimits>): TxPool =>
    new TxPool({ rules: { chainId: CHAIN_ID, minFee: 1 }, getState: () => state, now: () => now, limits })
  const ids = (txs: Transaction[]): string[] => txs.map(t => toHex(txId(t)))

  beforeEach(() => {
    state = stateWith(keys.map(k => [k, {}]))
    now = NOW
  })

  describe('admission', () => {
    it('admits a valid transaction and lists it', () => {
      const pool = makePool()
      const a = tx(keys[0], 1)
      expect(pool.add(a).evicted).to.deep.equal([])
      expect(pool.size).to.equal(1)
      expect(pool.has(txId(a))).to.equal(true)
      expect(pool.get(txId(a))).to.equal(a)
      expect(pool.pending()).to.deep.equal([a])
      expect(pool.senderTxs(keys[0].publicKey)).to.deep.equal([a])
    })

    const refusals: Array<[string, () => Transaction, (() => void)?]> = [
      ['POOL_NONCE_TOO_LOW', () => tx(keys[0], 3), () => { state = stateWith([[keys[0], { nonce: 3 }]]) }],
      ['POOL_NONCE_TOO_HIGH', () => tx(keys[0], 17)],
      ['POOL_TX_TOO_OLD', () => tx(keys[0], 1, 2, { t: NOW - 86_401 })],
      ['TX_FROM_FUTURE', () => tx(keys[0], 1, 2, { t: NOW + 16 })],
      ['TX_WRONG_CHAIN', () => tx(keys[0], 1, 2, { chainId: new Uint8Array(16) })],
      ['TX_FEE_TOO_LOW', () => tx(keys[0], 1, 0)],
      ['TX_BAD_SIGNATURE', () => ({ ...tx(keys[0], 1), s: tx(keys[1], 1).s })],
      ['POOL_INSUFFICIENT_BALANCE', () => tx(keys[0], 1, 2, { amount: 999_999 })],
      ['POOL_INSUFFICIENT_BALANCE', () => { const s = keyPairFromSeed('nobody'); return createNote(s.secretKey, s.publicKey, { chainId: CHAIN_ID, fee: 1, nonce: 1, timestamp: NOW }) }]
    ]
    for (const [code, make, setup] of refusals) {
      it(`refuses with ${code}`, () => {
        setup?.()
        const pool = makePool()
        expect(codeOf(() => pool.add(make()))).to.equal(code)
        expect(pool.size).to.equal(0)
      })
    }

    it('accepts the window edges: nonce + 16, exactly 24 h old, 15 s ahead', () => {
      const pool = makePool()
      expect(codeOf(() => pool.add(tx(keys[0], 16)))).to.equal('OK')
      expect(codeOf(() => pool.add(tx(keys[1], 1, 2, { t: NOW - 86_400 })))).to.equal('OK')
      expect(codeOf(() => pool.add(tx(keys[2], 1, 2, { t: NOW + 15 })))).to.equal('OK')
    })

    it('refuses a duplicate with POOL_DUPLICATE', () => {
      const pool = makePool()
      const a = tx(keys[0], 1)
      pool.add(a)
      expect(codeOf(() => pool.add(a))).to.equal('POOL_DUPLICATE')
    })

    it('counts every pooled tx of the sender against its balance', () => {
      state = stateWith([[keys[0], { balance: 1000 }]])
      const pool = makePool()
      pool.add(tx(keys[0], 1, 2, { amount: 598 })) // cost 600
      expect(codeOf(() => pool.add(tx(keys[0], 2, 2, { amount: 399 })))).to.equal('POOL_INSUFFICIENT_BALANCE') // 600 + 401
      expect(codeOf(() => pool.add(tx(keys[0], 2, 2, { amount: 398 })))).to.equal('OK') // 600 + 400
      // a replacement is counted instead of, not on top of, the tx it replaces
      expect(codeOf(() => pool.add(tx(keys[0], 1, 3, { amount: 598 })))).to.equal('POOL_INSUFFICIENT_BALANCE') // 601 + 400
      expect(codeOf(() => pool.add(tx(keys[0], 1, 3, { amount: 597 })))).to.equal('OK') // 600 + 400
    })

    it('replaces same sender and nonce only with a strictly higher fee', () => {
      const pool = makePool()
      const a = tx(keys[0], 1, 5)
      pool.add(a)
      expect(codeOf(() => pool.add(tx(keys[0], 1, 5, { amount: 11 })))).to.equal('POOL_REPLACEMENT_FEE_TOO_LOW')
      expect(codeOf(() => pool.add(tx(keys[0], 1, 4)))).to.equal('POOL_REPLACEMENT_FEE_TOO_LOW')
      const b = tx(keys[0], 1, 6)
      expect(pool.add(b).replaced).to.equal(a)
      expect(pool.senderTxs(keys[0].publicKey)).to.deep.equal([b])
      expect(pool.size).to.equal(1)
    })

    it('refuses a sender over its limit with POOL_SENDER_LIMIT', () => {
      const pool = makePool({ maxPerSender: 4 })
      for (let n = 1; n <= 4; n++) pool.add(tx(keys[0], n))
      expect(codeOf(() => pool.add(tx(keys[0], 5)))).to.equal('POOL_SENDER_LIMIT')
      expect(codeOf(() => pool.add(tx(keys[0], 4, 3)))).to.equal('OK') // a replacement still fits
    })
  })

  describe('when full', () => {
    it('drops the lowest fee for a better one and refuses one that is not better', () => {
      const pool = makePool({ maxTxs: 4 })
      const txs = [5, 6, 7, 8].map((fee, k) => tx(keys[k], 1, fee))
      for (const t of txs) pool.add(t)
      expect(codeOf(() => pool.add(tx(keys[4], 1, 5)))).to.equal('POOL_FULL')
      expect(codeOf(() => pool.add(tx(keys[4], 1, 1)))).to.equal('POOL_FULL')
      const r = pool.add(tx(keys[4], 1, 9))
      expect(r.evicted).to.deep.equal([txs[0]])
      expect(pool.size).to.equal(4)
    })

    it('among equal lowest fees the newest goes first', () => {
      const pool = makePool({ maxTxs: 3 })
      const txs = [3, 3, 9].map((fee, k) => tx(keys[k], 1, fee))
      for (const t of txs) pool.add(t)
      expect(pool.add(tx(keys[3], 1, 4)).evicted).to.deep.equal([txs[1]])
    })

    it('evicts the later nonces that depend on the evicted one, and refuses a newcomer that would', () => {
      const pool = makePool({ maxTxs: 3 })
      const a1 = tx(keys[0], 1, 1); const a2 = tx(keys[0], 2, 50); const b1 = tx(keys[1], 1, 20)
      for (const t of [a1, a2, b1]) pool.add(t)
      expect(codeOf(() => pool.add(tx(keys[0], 3, 10)))).to.equal('POOL_FULL')
      expect(pool.add(tx(keys[2], 1, 10)).evicted).to.deep.equal([a1, a2])
      expect(pool.size).to.equal(2)
    })

    it('never holds more than 4096 transactions or 16 per sender (real limits)', function () {
      this.timeout(30_000)
      const senders = Array.from({ length: 256 }, (_, k) => keyPairFromSeed('pool-many-' + k))
      state = stateWith(senders.map(k => [k, {}]))
      const pool = makePool()
      for (const s of senders) for (let n = 1; n <= 16; n++) pool.add(tx(s, n, 2))
      expect(pool.size).to.equal(4096)
      expect(codeOf(() => pool.add(tx(senders[0], 17, 2)))).to.equal('POOL_NONCE_TOO_HIGH')
      const extra = keyPairFromSeed('pool-many-extra')
      state.accounts.set(toHex(extra.publicKey), { balance: 1000, nonce: 0, power: 0 })
      expect(codeOf(() => pool.add(tx(extra, 1, 2)))).to.equal('POOL_FULL')
      expect(pool.add(tx(extra, 1, 3)).evicted).to.have.length(1) // the newest fee-2 tx: a sender's last nonce
      expect(pool.size).to.equal(4096)
    })
  })

  describe('mining selection', () => {
    it('takes the highest fees first but each sender in nonce order', () => {
      const pool = makePool()
      const a1 = tx(keys[0], 1, 1); const a2 = tx(keys[0], 2, 100); const b1 = tx(keys[1], 1, 50); const b2 = tx(keys[1], 2, 2)
      for (const t of [a2, b2, a1, b1]) pool.add(t)
      expect(ids(pool.selectForMining())).to.deep.equal(ids([b1, b2, a1, a2]))
    })

    it('skips a sender whose next nonce is missing', () => {
      const pool = makePool()
      const c2 = tx(keys[2], 2, 99); const d1 = tx(keys[3], 1, 1)
      pool.add(c2); pool.add(d1)
      expect(ids(pool.selectForMining())).to.deep.equal(ids([d1]))
    })

    it('starts each sender at the given state nonce and stops at 16', () => {
      const pool = makePool()
      for (let n = 1; n <= 12; n++) pool.add(tx(keys[0], n, 10 + n))
      for (let n = 1; n <= 12; n++) pool.add(tx(keys[1], n, 5))
      expect(pool.selectForMining()).to.have.length(16)
      const later = stateWith([[keys[0], { nonce: 10 }]])
      const picked = pool.selectForMining(later)
      expect(picked.filter(t => toHex(t.f) === toHex(keys[0].publicKey)).map(t => t.n)).to.deep.equal([11, 12])
      // nonces of each sender appear in increasing order
      const seen = new Map<string, number>()
      for (const t of pool.selectForMining()) {
        expect(t.n).to.be.greaterThan(seen.get(toHex(t.f)) ?? 0)
        seen.set(toHex(t.f), t.n)
      }
    })
  })

  describe('tip changes', () => {
    it('removeMined drops the mined txs and any other tx using the same sender and nonce', () => {
      const pool = makePool()
      const a1 = tx(keys[0], 1, 5); const b1 = tx(keys[1], 1, 5); const c1 = tx(keys[2], 1)
      for (const t of [a1, b1, c1]) pool.add(t)
      pool.removeMined([a1, tx(keys[1], 1, 1)])
      expect(pool.pending()).to.deep.equal([c1])
    })

    it('revalidate drops used nonces, unaffordable later nonces and expired txs', () => {
      const pool = makePool()
      const a = [1, 2, 3].map(n => tx(keys[0], n, 2, { amount: 98 }))
      const b = [1, 2, 3].map(n => tx(keys[1], n, 2, { amount: 98 }))
      const c1 = tx(keys[2], 1, 2, { t: NOW - 80_000 })
      for (const t of [...a, ...b, c1]) pool.add(t)
      state = stateWith([[keys[0], { nonce: 1 }], [keys[1], { balance: 150 }], [keys[2], {}]])
      now = NOW + 10_000
      const dropped = pool.revalidate()
      expect(ids(dropped).sort()).to.deep.equal(ids([a[0], b[1], b[2], c1]).sort())
      expect(ids(pool.pending()).sort()).to.deep.equal(ids([a[1], a[2], b[0]]).sort())
    })

    it('readmit brings back rolled-back txs that are still valid', () => {
      const pool = makePool()
      const a1 = tx(keys[0], 1); const a2 = tx(keys[0], 2); const b1 = tx(keys[1], 1)
      state = stateWith([[keys[0], {}], [keys[1], { nonce: 1 }]]) // b1 is also in the new branch
      expect(ids(pool.readmit([a1, a2, b1]))).to.deep.equal(ids([a1, a2]))
      expect(pool.size).to.equal(2)
    })
  })

  describe('views', () => {
    it('tipIds lists own pending first, then the highest fees, at most 8', () => {
      const pool = makePool()
      const own2 = tx(keys[0], 2, 1); const own1 = tx(keys[0], 1, 1)
      pool.add(own2); pool.add(own1)
      const others = [1, 2, 3, 4, 5, 6, 7].map(k => tx(keys[k], 1, 10 + k))
      for (const t of others) pool.add(t)
      const tip = pool.tipIds([keys[0].publicKey]).map(toHex)
      expect(tip).to.deep.equal(ids([own1, own2, ...others.slice().reverse().slice(0, 6)]))
      expect(pool.tipIds([], 3).map(toHex)).to.deep.equal(ids(others.slice().reverse().slice(0, 3)))
    })

    it('nextNonce follows the contiguous pooled run', () => {
      const pool = makePool()
      state = stateWith([[keys[0], { nonce: 4 }]])
      expect(pool.nextNonce(keys[0].publicKey)).to.equal(5)
      pool.add(tx(keys[0], 5)); pool.add(tx(keys[0], 6)); pool.add(tx(keys[0], 8))
      expect(pool.nextNonce(keys[0].publicKey)).to.equal(7)
    })
  })
})
