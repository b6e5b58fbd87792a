// PROTOCOL §4 math against hand-computed values (T = 10: MIN_BT 2, MAX_BT 18, R_MIN 9, R_MAX 11),
// each function with at least one failing or boundary case.
import { expect } from 'chai'
import {
  TWO_64, checkpointHeight, cumulativeDifficulty, earliestMiningTime, effectivePower, generationSignature,
  genesisBaseTarget, hitOf, isEligible, isqrt, nextBaseTarget, potParams
} from '../../../../chain/consensus/pot.js'
import { fromHex, toHex } from '../../../../chain/hex.js'

describe('chain/consensus/pot', () => {
  describe('potParams', () => {
    it('T = 10 gives MIN_BT 2, MAX_BT 18, R_MIN 9, R_MAX 11', () => {
      expect(potParams(10)).to.deep.equal({ blockTime: 10n, MIN_BT: 2n, MAX_BT: 18n, R_MIN: 9n, R_MAX: 11n })
    })
    it('T = 60 gives MIN_BT 12, MAX_BT 108, R_MIN 53, R_MAX 67', () => {
      expect(potParams(60n)).to.deep.equal({ blockTime: 60n, MIN_BT: 12n, MAX_BT: 108n, R_MIN: 53n, R_MAX: 67n })
    })
    it('MIN_BT never drops below 1 (T = 4: ⌊4/5⌋ = 0)', () => {
      expect(potParams(4).MIN_BT).to.equal(1n)
    })
  })

  describe('isqrt / effectivePower', () => {
    it('is exact for any size of BigInt, in O(log n) steps', () => {
      for (const bits of [53, 54, 64, 100, 256, 1024, 4096]) {
        for (const r of [(1n << BigInt(bits)) - 1n, (1n << BigInt(bits)) + 12345n, 3n ** BigInt(Math.floor(bits / 2))]) {
          const sq = r * r
          expect(isqrt(sq), `(${bits} bits)²`).to.equal(r)
          expect(isqrt(sq - 1n), `(${bits} bits)² − 1`).to.equal(r - 1n)
          expect(isqrt(sq + 2n * r), `(${bits} bits)² + 2r`).to.equal(r) // the largest n with isqrt(n) = r
        }
      }
      // Past Number's range (a float start value would be Infinity): still exact and quick.
      const huge = (1n << 5000n) + 7n
      const t0 = performance.now()
      const r = isqrt(huge)
      expect(r * r <= huge && (r + 1n) * (r + 1n) > huge).to.equal(true)
      expect(performance.now() - t0).to.be.lessThan(2000)
    })
    it('floors exactly on small values', () => {
      const want = [0n, 1n, 1n, 1n, 2n, 2n, 2n, 2n, 2n, 3n]
      for (let n = 0; n < want.length; n++) expect(isqrt(BigInt(n)), `isqrt(${n})`).to.equal(want[n])
      expect(isqrt(15n)).to.equal(3n)
      expect(isqrt(16n)).to.equal(4n)
      expect(isqrt(17n)).to.equal(4n)
    })
    it('is exact beyond double precision', () => {
      const r = (1n << 53n) + 1n
      expect(isqrt(r * r)).to.equal(r)
      expect(isqrt(r * r - 1n)).to.equal(r - 1n)
      expect(isqrt(TWO_64 - 1n)).to.equal((1n << 32n) - 1n)
      const big = 10n ** 40n
      expect(isqrt(big * big - 1n)).to.equal(big - 1n)
    })
    it('rejects negative input', () => {
      expect(() => isqrt(-1n)).to.throw(RangeError)
    })
    it('effective power is ⌊√power⌋ for numbers and bigints', () => {
      expect(effectivePower(0)).to.equal(0n)
      expect(effectivePower(1)).to.equal(1n)
      expect(effectivePower(99)).to.equal(9n)
      expect(effectivePower(100n)).to.equal(10n)
    })
  })

  describe('genesisBaseTarget', () => {
    it('BT0 = ⌊2^64 / (T · Σ⌊√power⌋)⌋', () => {
      // Σ = 10 + 2 + 0 = 12 → 2^64 / 120
      expect(genesisBaseTarget(10, [100, 4, 0])).to.equal(153722867280912930n)
    })
    it('a genesis without power divides by max(1, 0) = 1', () => {
      expect(genesisBaseTarget(10, [0, 0])).to.equal(1844674407370955161n)
      expect(genesisBaseTarget(10, [])).to.equal(1844674407370955161n)
    })
  })

  describe('nextBaseTarget', () => {
    const P = (n: number, t: number, b: bigint) => ({ n, t, b })
    it('keeps the parent b (BT0) while P.n < 3', () => {
      expect(nextBaseTarget(P(2, 1000, 777n), undefined, 10)).to.equal(777n)
    })
    it('I > T grows b by min(I, R_MAX) / T', () => {
      expect(nextBaseTarget(P(3, 36, 1000n), P(0, 0, 0n), 10)).to.equal(1100n) // I = 12 → capped at 11
      expect(nextBaseTarget(P(3, 33, 1000n), P(0, 0, 0n), 10)).to.equal(1100n) // I = 11
    })
    it('I = T leaves b unchanged (⌊640·0/10⌋ = 0)', () => {
      expect(nextBaseTarget(P(3, 31, 1000n), P(0, 0, 0n), 10)).to.equal(1000n) // I = ⌊31/3⌋ = 10
    })
    it('I ≤ T shrinks b by ⌊⌊b·64/100⌋·(T − max(I, R_MIN))/T⌋', () => {
      expect(nextBaseTarget(P(3, 15, 1000n), P(0, 0, 0n), 10)).to.equal(936n) // I = 5 → R_MIN 9 → 1000 − 64
      expect(nextBaseTarget(P(3, 27, 1000n), P(0, 0, 0n), 10)).to.equal(936n) // I = 9
      // T = 60, I = 55: ⌊6400·5/60⌋ = 533
      expect(nextBaseTarget(P(9, 165, 10000n), P(6, 0, 0n), 60)).to.equal(9467n)
      // operation order: ⌊1299·64/100⌋ = 831, ⌊831·1/10⌋ = 83
      expect(nextBaseTarget(P(3, 27, 1299n), P(0, 0, 0n), 10)).to.equal(1216n)
    })
    it('a negative interval counts as I = 0 (so R_MIN applies)', () => {
      expect(nextBaseTarget(P(5, 100, 1000n), P(2, 105, 0n), 10)).to.equal(936n)
    })
    it('b is at least 1', () => {
      expect(nextBaseTarget(P(3, 15, 1n), P(0, 0, 0n), 10)).to.equal(1n)
      expect(nextBaseTarget(P(3, 36, 0n), P(0, 0, 0n), 10)).to.equal(1n) // 0 · 11 / 10 = 0 → 1
    })
    it('needs the ancestor once P.n ≥ 3', () => {
      expect(() => nextBaseTarget(P(3, 30, 1000n), undefined, 10)).to.throw(RangeError)
    })
  })

  describe('generationSignature / hitOf', () => {
    it('g = SHA-256(P.g ‖ m)', () => {
      const g = generationSignature(new Uint8Array(32), new Uint8Array(32).fill(1))
      expect(toHex(g)).to.equal('5c85955f709283ecce2b74f1b1552918819f390911816e7bb466805a38ab87f3')
    })
    it('differs per miner key', () => {
      const a = generationSignature(new Uint8Array(32), new Uint8Array(32).fill(1))
      const b = generationSignature(new Uint8Array(32), new Uint8Array(32).fill(2))
      expect(toHex(a)).to.not.equal(toHex(b))
    })
    it('hit is the first 8 bytes, big-endian', () => {
      expect(hitOf(fromHex('0102030405060708' + 'ff'.repeat(24)))).to.equal(0x0102030405060708n)
      expect(hitOf(new Uint8Array(32).fill(0xff))).to.equal(TWO_64 - 1n)
      expect(hitOf(new Uint8Array(32))).to.equal(0n)
    })
  })

  describe('isEligible', () => {
    const base = { b: 100n, p: 2n, hit: 1000n, blockTime: 10 }
    it('b·p·Δ must strictly exceed the hit', () => {
      expect(isEligible({ ...base, delta: 5 })).to.equal(false) // 1000 > 1000 fails
      expect(isEligible({ ...base, delta: 6 })).to.equal(true)
    })
    it('Δ < MIN_BT is never eligible', () => {
      expect(isEligible({ ...base, b: 1n << 80n, delta: 1 })).to.equal(false)
      expect(isEligible({ ...base, b: 1n << 80n, delta: 2 })).to.equal(true)
    })
    it('Δ ≥ MAX_BT is eligible for anyone, even p = 0', () => {
      expect(isEligible({ ...base, p: 0n, hit: TWO_64 - 1n, delta: 18 })).to.equal(true)
      expect(isEligible({ ...base, p: 0n, hit: 0n, delta: 17 })).to.equal(false)
    })
  })

  describe('earliestMiningTime', () => {
    const base = { parentT: 1000, b: 100n, p: 2n, blockTime: 10 }
    it('P.t + ⌊hit / (b·p)⌋ + 1', () => {
      expect(earliestMiningTime({ ...base, hit: 1000n })).to.equal(1006n)
    })
    it('clamps to [MIN_BT, MAX_BT]', () => {
      expect(earliestMiningTime({ ...base, hit: 0n })).to.equal(1002n)
      expect(earliestMiningTime({ ...base, hit: 1_000_000n })).to.equal(1018n)
    })
    it('is MAX_BT after the parent when p = 0', () => {
      expect(earliestMiningTime({ ...base, p: 0n, hit: 0n })).to.equal(1018n)
    })
    it('agrees with isEligible: eligible at the earliest time, not one second before', () => {
      let seed = 12345
      const next = (): bigint => { seed = (seed * 1103515245 + 12345) % 2147483648; return BigInt(seed) }
      for (let k = 0; k < 500; k++) {
        const b = next() + 1n; const p = next() % 20n; const hit = (next() << 24n) ^ next()
        const t = earliestMiningTime({ parentT: 0, b, p, hit, blockTime: 10 })
        expect(isEligible({ b, p, hit, delta: t, blockTime: 10 }), `b=${b} p=${p} hit=${hit}`).to.equal(true)
        if (t > 2n) expect(isEligible({ b, p, hit, delta: t - 1n, blockTime: 10 })).to.equal(false)
      }
    })
  })

  describe('cumulativeDifficulty', () => {
    it('d = P.d + ⌊2^64 / b⌋', () => {
      expect(cumulativeDifficulty(5n, 1n << 60n)).to.equal(21n)
      expect(cumulativeDifficulty(0n, 3n)).to.equal(6148914691236517205n)
    })
    it('rejects b = 0', () => {
      expect(() => cumulativeDifficulty(0n, 0n)).to.throw(RangeError)
    })
  })

  describe('the worked example of docs/protocol.md §4 (devnet powers 100, 64, 36, 16; T = 10; M = 6)', () => {
    const bt0 = genesisBaseTarget(10, [100, 64, 36, 16])
    it('BT0 and the first difficulty', () => {
      expect(bt0).to.equal(65881228834676970n)
      expect(cumulativeDifficulty(0n, bt0)).to.equal(280n)
    })
    it('one slow and one fast base target step', () => {
      expect(nextBaseTarget({ n: 3, t: 45, b: bt0 }, { n: 0, t: 0, b: bt0 }, 10)).to.equal(72469351718144667n)
      expect(nextBaseTarget({ n: 3, t: 9, b: bt0 }, { n: 0, t: 0, b: bt0 }, 10)).to.equal(61664830189257644n)
    })
    it('checkpoint heights', () => {
      expect([1, 11, 12, 17, 18, 24].map(n => checkpointHeight(n, 6))).to.deep.equal([0, 0, 6, 6, 12, 18])
    })
  })

  describe('checkpointHeight', () => {
    it('cp(n) = max(0, ⌊n/M⌋·M − M)', () => {
      for (let n = 0; n < 12; n++) expect(checkpointHeight(n, 6), `cp(${n})`).to.equal(0)
      expect(checkpointHeight(12, 6)).to.equal(6)
      expect(checkpointHeight(17, 6)).to.equal(6)
      expect(checkpointHeight(18, 6)).to.equal(12)
      expect(checkpointHeight(5, 1)).to.equal(4)
    })
  })
})
