// PROTOCOL §6 voting, version 2: seeded integer sampling weighted by power (linear), one vote per
// sampled key, tally by weight with S = all sampled weight, the decision rules, sybil resistance,
// and votes read from signed tip blocks and checked against their own claims.
import { expect } from 'chai'
import { ChainError } from '../../../../chain/errors.js'
import { blockId, signBlock } from '../../../../chain/block.js'
import { toHex } from '../../../../chain/hex.js'
import { keyPairFromSeed } from '../../../../chain/crypto.js'
import { type Rng, seededRng } from '../../../../chain/voting/rng.js'
import { type WeightedKey, samplePeers } from '../../../../chain/voting/sample.js'
import { type VoteDecision, type WeightedVote, VotingRound, tallyVotes, votingRoundDurationS } from '../../../../chain/voting/tally.js'
import { type Vote, isTipStale, voteFromTipBlock } from '../../../../chain/voting/vote.js'
import { MemChain, testGenesis, testKeys } from '../../../helpers/simChain.js'

const key = (k: number): Uint8Array => new Uint8Array(32).fill(k)
const vote = (id: number, height: number): Vote => ({ checkpointId: key(id), height, tipId: key(200) })

function codeOf (fn: () => unknown): string {
  try { fn() } catch (e) { if (e instanceof ChainError) return e.code; throw e }
  return 'OK'
}

describe('chain/voting', () => {
  describe('seededRng', () => {
    it('is deterministic per seed and stays below the bound', () => {
      const a = seededRng('s'); const b = seededRng('s'); const c = seededRng('t')
      const xs = Array.from({ length: 50 }, () => a(1000n))
      expect(Array.from({ length: 50 }, () => b(1000n))).to.deep.equal(xs)
      expect(Array.from({ length: 50 }, () => c(1000n))).to.not.deep.equal(xs)
      expect(xs.every(x => x >= 0n && x < 1000n)).to.equal(true)
      expect(a(1n)).to.equal(0n)
    })
    it('is roughly uniform', () => {
      const r = seededRng('uniform')
      const buckets = new Array<number>(10).fill(0)
      for (let k = 0; k < 10_000; k++) buckets[Number(r(10n))]++
      for (const b of buckets) expect(b).to.be.within(850, 1150)
    })
    it('rejects a bound below 1', () => {
      expect(() => seededRng('x')(0n)).to.throw(RangeError)
    })
  })

  describe('samplePeers (weight = power, linear)', () => {
    const peers = Array.from({ length: 30 }, (_, k) => ({ key: key(k + 1), weight: BigInt(k % 3 === 0 ? 0 : k * k) }))
    const keysOf = (s: WeightedKey[]): string[] => s.map(x => toHex(x.key))
    it('samples at most 16 distinct keys and never a weight-0 key', () => {
      const s = samplePeers(peers, 16, seededRng('a'))
      expect(s).to.have.length(16)
      expect(new Set(keysOf(s)).size).to.equal(16)
      const zero = new Set(peers.filter(p => p.weight === 0n).map(p => toHex(p.key)))
      expect(s.some(k => zero.has(toHex(k.key)))).to.equal(false)
    })
    it('takes every samplable key when there are fewer than the maximum, with its weight', () => {
      const s = samplePeers(peers.slice(0, 6), 16, seededRng('b'))
      expect(keysOf(s).sort()).to.deep.equal([key(2), key(3), key(5), key(6)].map(toHex).sort())
      expect(s.find(x => x.key[0] === 5)?.weight).to.equal(16n)
    })
    it('is deterministic for a seed and counts a repeated key once', () => {
      const twice = [...peers, ...peers]
      expect(keysOf(samplePeers(twice, 16, seededRng('c')))).to.deep.equal(keysOf(samplePeers(peers, 16, seededRng('c'))))
      expect(samplePeers([{ key: key(1), weight: 4n }, { key: key(1), weight: 4n }], 16, seededRng('d'))).to.have.length(1)
    })
    it('weights linearly: power 10 against power 1 wins about 10 draws in 11', () => {
      const rng = seededRng('weights')
      let heavy = 0
      for (let k = 0; k < 2200; k++) {
        const [first] = samplePeers([{ key: key(1), weight: 1n }, { key: key(2), weight: 10n }], 1, rng)
        if (first.key[0] === 2) heavy++
      }
      expect(heavy).to.be.within(1900, 2100)
    })
    it('returns nothing when nobody has power', () => {
      expect(samplePeers([{ key: key(1), weight: 0n }], 16, seededRng('e'))).to.deep.equal([])
    })
  })

  describe('tallyVotes (by weight; S = all sampled weight)', () => {
    const wv = (id: number, height: number, weight: number): WeightedVote => ({ weight: BigInt(weight), vote: vote(id, height) })
    it('keeps the own chain without votes', () => {
      expect(tallyVotes([], 10n, false)).to.include({ kind: 'keep', why: 'no valid votes' })
      expect(tallyVotes([], 10n, true).kind).to.equal('keep')
    })
    it('a non-empty chain needs more than S / 2; exactly half keeps the chain', () => {
      expect(tallyVotes([wv(1, 6, 51)], 100n, false)).to.deep.include({ kind: 'adopt', weight: 51n, totalWeight: 100n })
      expect(tallyVotes([wv(1, 6, 50)], 100n, false).kind).to.equal('keep')
      // Abstentions count in S: 40 of 100 answering for one checkpoint is not a majority.
      expect(tallyVotes([wv(1, 6, 40)], 100n, false).kind).to.equal('keep')
    })
    it('sums the weights of the keys voting for one checkpoint', () => {
      const d = tallyVotes([wv(1, 6, 30), wv(2, 6, 35), wv(1, 6, 30)], 100n, false)
      expect(d.kind === 'adopt' && toHex(d.checkpointId)).to.equal(toHex(key(1)))
      expect(d.tally.map(t => [t.weight, t.voters])).to.deep.equal([[60n, 2], [35n, 1]])
    })
    it('an empty chain takes the heaviest checkpoint, ties to the smaller id', () => {
      const d = tallyVotes([wv(9, 6, 3), wv(3, 6, 3), wv(5, 6, 2)], 15n, true)
      expect(d.kind === 'adopt' && toHex(d.checkpointId)).to.equal(toHex(key(3)))
      expect(d.rule).to.equal('plurality (empty chain)')
    })
    it('an empty chain decides only when the valid votes hold more than S / 2 (no capture by the few that answer)', () => {
      expect(tallyVotes([wv(2, 6, 13)], 213n, true)).to.include({ kind: 'keep' })
      expect(tallyVotes([wv(2, 6, 13)], 213n, true).why).to.match(/no quorum/)
      expect(tallyVotes([wv(2, 6, 13), wv(1, 6, 100)], 213n, true)).to.deep.include({ kind: 'adopt', weight: 100n })
    })
    it('claimed heights never break ties', () => {
      // Key 9 claims a far greater height; with equal weight the smaller id still wins.
      const d = tallyVotes([wv(9, 999_999_999, 5), wv(3, 6, 5)], 19n, true)
      expect(d.kind === 'adopt' && toHex(d.checkpointId)).to.equal(toHex(key(3)))
      const e = tallyVotes([wv(3, 6, 5), wv(9, 999_999_999, 5)], 19n, true)
      expect(e.kind === 'adopt' && toHex(e.checkpointId)).to.equal(toHex(key(3)))
    })
    it('counts one id once, whatever heights its voters claim', () => {
      const d = tallyVotes([wv(1, 6, 3), wv(1, 12, 3), wv(2, 6, 5)], 11n, false)
      expect(d.kind === 'adopt' && toHex(d.checkpointId)).to.equal(toHex(key(1)))
      expect(d.tally).to.have.length(2)
    })
  })

  describe('sybil resistance (sampling + tally, seeded)', () => {
    // The devnet miners' powers, and cheap keys that each sent one transaction (power 1).
    const miners = [100, 64, 36, 16].map((p, k) => ({ key: key(100 + k), weight: BigInt(p) }))
    const cheap = (n: number): WeightedKey[] => Array.from({ length: n }, (_, k) => ({ key: new Uint8Array(32).fill(0).map((_, i) => (i < 2 ? (k >> (8 * i)) & 255 : 7)), weight: 1n }))
    const HONEST = 1; const ATTACK = 2
    /** One round: sampled miners vote honest unless they abstain; sampled cheap keys vote for the attack. */
    function round (all: WeightedKey[], rng: Rng, emptyChain: boolean, abstain: (k: WeightedKey) => boolean): VoteDecision {
      const sampled = samplePeers(all, 16, rng)
      const total = sampled.reduce((a, s) => a + s.weight, 0n)
      const minerHex = new Set(miners.map(m => toHex(m.key)))
      const votes = sampled.filter(s => !abstain(s)).map(s => ({ weight: s.weight, vote: vote(minerHex.has(toHex(s.key)) ? HONEST : ATTACK, 6) }))
      return tallyVotes(votes, total, emptyChain)
    }
    const wins = (d: VoteDecision): boolean => d.kind === 'adopt' && d.checkpointId[0] === ATTACK

    it('5 power-1 keys against the four devnet miners never win (500 rounds; miners abstain at random)', () => {
      const rng = seededRng('five'); const coin = seededRng('abstain')
      let attackWins = 0; let honestWins = 0
      for (let r = 0; r < 500; r++) {
        const d = round([...miners, ...cheap(5)], rng, false, k => k.weight > 1n && coin(2n) === 0n)
        if (wins(d)) attackWins++
        if (d.kind === 'adopt' && d.checkpointId[0] === HONEST) honestWins++
      }
      expect(attackWins).to.equal(0)
      expect(honestWins).to.be.greaterThan(100) // the test can tell a decision from none
      // A new node (plurality) with every miner answering: never the five; with every miner silent,
      // not either (the five hold no quorum of the sampled weight).
      for (let r = 0; r < 500; r++) expect(wins(round([...miners, ...cheap(5)], rng, true, () => false))).to.equal(false)
      for (let r = 0; r < 100; r++) expect(wins(round([...miners, ...cheap(5)], rng, true, k => k.weight > 1n))).to.equal(false)
    })
    it('100 power-1 keys holding less than half the sampled weight never win', () => {
      const rng = seededRng('hundred')
      for (let r = 0; r < 500; r++) {
        const d = round([...cheap(100), ...miners], rng, false, () => false)
        expect(wins(d)).to.equal(false)
        expect(d.kind === 'adopt' && d.checkpointId[0]).to.equal(HONEST)
      }
    })
    it('splitting one key\'s power over many keys gives no more weight', () => {
      // One key of power 100, or the same 100 spread over 100 keys of power 1, against the miners.
      const rng = seededRng('split')
      const one: WeightedKey = { key: key(7), weight: 100n }
      let whole = 0n; let split = 0n
      for (let r = 0; r < 300; r++) {
        for (const [all, add] of [[[one, ...miners], (w: bigint) => { whole += w }], [[...cheap(100), ...miners], (w: bigint) => { split += w }]] as const) {
          const sampled = samplePeers(all, 16, rng)
          add(sampled.filter(s => !miners.some(m => toHex(m.key) === toHex(s.key))).reduce((a, s) => a + s.weight, 0n))
        }
      }
      expect(split <= whole).to.equal(true)
      // With few enough keys to sample them all, the weight is exactly the same.
      const tenOfTen = Array.from({ length: 10 }, (_, k) => ({ key: key(50 + k), weight: 10n }))
      expect(samplePeers(tenOfTen, 16, rng).reduce((a, s) => a + s.weight, 0n)).to.equal(samplePeers([one], 16, rng)[0].weight)
    })
  })

  describe('VotingRound', () => {
    let now = 1000
    const clock = (): number => now
    beforeEach(() => { now = 1000 })
    const w = (k: number, weight = 1n): WeightedKey => ({ key: key(k), weight })

    it('lasts MAX_BT seconds', () => {
      expect(votingRoundDurationS(10)).to.equal(18)
      expect(votingRoundDurationS(60)).to.equal(108)
    })
    it('ends when every sampled key has voted; S counts every sampled key', () => {
      const round = new VotingRound({ sampled: [w(1, 3n), w(2, 4n), w(3, 5n)], clock, durationS: 18 })
      expect(round.totalWeight).to.equal(12n)
      round.addVote(key(1), vote(5, 6))
      round.addVote(key(3), vote(5, 6))
      expect(round.isDone()).to.equal(false)
      expect(round.decision(false)).to.deep.include({ kind: 'adopt', weight: 8n }) // 8 > 12 / 2
      round.addVote(key(2), vote(6, 6))
      expect(round.endReason()).to.equal('all-voted')
    })
    it('ends after MAX_BT seconds, and without votes keeps the own chain', () => {
      const round = new VotingRound({ sampled: [w(1), w(2)], clock, durationS: 18 })
      now = 1017
      expect(round.isDone()).to.equal(false)
      expect(round.remainingS()).to.equal(1)
      now = 1018
      expect(round.endReason()).to.equal('timeout')
      expect(round.decision(false).kind).to.equal('keep')
      expect(codeOf(() => round.addVote(key(1), vote(1, 6)))).to.equal('VOTE_ROUND_CLOSED')
    })
    it('an empty sample ends at once and keeps the own chain', () => {
      const round = new VotingRound({ sampled: [], clock, durationS: 18 })
      expect(round.isDone()).to.equal(true)
      expect(round.decision(true).kind).to.equal('keep')
    })
    it('takes one vote per sampled key only', () => {
      const round = new VotingRound({ sampled: [w(1), w(2)], clock, durationS: 18 })
      expect(codeOf(() => round.addVote(key(3), vote(1, 6)))).to.equal('VOTE_NOT_SAMPLED')
      round.addVote(key(1), vote(1, 6))
      expect(codeOf(() => round.addVote(key(1), vote(2, 6)))).to.equal('VOTE_DUPLICATE')
      expect(round.voteCount).to.equal(1)
    })
  })

  describe('votes from tip blocks', () => {
    const keys = testKeys(3, 'vote-')
    const genesis = testGenesis(keys, [4, 4, 4], { mutableRange: 6 })
    const chain = new MemChain(genesis)
    for (let k = 0; k < 14; k++) chain.mine(keys[k % 3])

    it('a valid tip votes for its checkpoint at cp(n)', () => {
      const v = voteFromTipBlock(chain.tip, genesis, blockId(chain.tip), chain.blocks[6])
      expect(v.height).to.equal(6) // cp(14) with M = 6
      expect(toHex(v.checkpointId)).to.equal(toHex(blockId(chain.blocks[6])))
      expect(toHex(v.tipId)).to.equal(toHex(blockId(chain.tip)))
    })
    it('the genesis block is a valid tip (unsigned by design)', () => {
      expect(voteFromTipBlock(genesis.block, genesis, undefined, undefined).height).to.equal(0)
      // A peer still at genesis votes for the genesis block, never for the zero id in its `i`.
      expect(toHex(voteFromTipBlock(genesis.block, genesis, undefined, undefined).checkpointId)).to.equal(toHex(genesis.blockId))
      // A low tip (cp(n) = 0) votes for genesis: its `i` is the genesis id.
      expect(toHex(voteFromTipBlock(chain.blocks[5], genesis, undefined, undefined).checkpointId)).to.equal(toHex(genesis.blockId))
    })
    it('refuses another chain, a bad signature or a block the blkTip item does not name', () => {
      const other = testGenesis(keys, [4, 4, 5])
      expect(codeOf(() => voteFromTipBlock(chain.tip, other, undefined, chain.blocks[6]))).to.equal('VOTE_WRONG_CHAIN')
      const { s: _s, ...unsigned } = chain.tip
      const forged = signBlock(unsigned, keyPairFromSeed('forger').secretKey)
      expect(codeOf(() => voteFromTipBlock(forged, genesis, undefined, chain.blocks[6]))).to.equal('VOTE_BAD_SIGNATURE')
      expect(codeOf(() => voteFromTipBlock(chain.tip, genesis, blockId(chain.blocks[3]), chain.blocks[6]))).to.equal('VOTE_TIP_MISMATCH')
    })
    it('a vote whose `i` does not stand at cp(n) of its own height is void', () => {
      // The real checkpoint block, but the tip names a height whose checkpoint lies elsewhere.
      expect(codeOf(() => voteFromTipBlock(chain.tip, genesis, undefined, chain.blocks[5]))).to.equal('VOTE_CHECKPOINT_MISMATCH')
      // A key that never mined signs a tip at n = 999,999,999 with made-up fields naming a real block.
      const liar = keyPairFromSeed('never-mined')
      const { s: _s2, ...base } = chain.tip
      const tall = signBlock({ ...base, n: 999_999_999, m: liar.publicKey, i: blockId(chain.blocks[6]), d: 10n ** 30n }, liar.secretKey)
      expect(codeOf(() => voteFromTipBlock(tall, genesis, undefined, chain.blocks[6]))).to.equal('VOTE_CHECKPOINT_MISMATCH')
      // ... or a made-up id that nobody can serve.
      const madeUp = signBlock({ ...base, n: 999_999_999, m: liar.publicKey, i: new Uint8Array(32).fill(9) }, liar.secretKey)
      expect(codeOf(() => voteFromTipBlock(madeUp, genesis, undefined, undefined))).to.equal('VOTE_CHECKPOINT_UNKNOWN')
      // A low tip must name genesis.
      const { s: _s3, ...low } = chain.blocks[5]
      const lowLie = signBlock({ ...low, i: blockId(chain.blocks[2]) }, keys.find(k => toHex(k.publicKey) === toHex(low.m))!.secretKey)
      expect(codeOf(() => voteFromTipBlock(lowLie, genesis, undefined, chain.blocks[2]))).to.equal('VOTE_CHECKPOINT_MISMATCH')
    })
    it('a tip older than 3·M·T seconds is stale', () => {
      expect(isTipStale(1000, 1180, genesis)).to.equal(false)
      expect(isTipStale(1000, 1181, genesis)).to.equal(true)
    })
  })
})
