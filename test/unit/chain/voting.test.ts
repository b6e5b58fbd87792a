// PROTOCOL §6 voting: seeded integer sampling weighted by effective power, one vote per sampled
// key, the three ways a round ends, the winner order, and votes read from signed tip blocks.
import { expect } from 'chai'
import { ChainError } from '../../../chain/errors.js'
import { blockId, signBlock } from '../../../chain/block.js'
import { toHex } from '../../../chain/hex.js'
import { keyPairFromSeed } from '../../../chain/crypto.js'
import { seededRng } from '../../../chain/voting/rng.js'
import { samplePeers } from '../../../chain/voting/sample.js'
import { VotingRound, tallyVotes, votingRoundDurationS } from '../../../chain/voting/tally.js'
import { type Vote, isTipStale, voteFromTipBlock } from '../../../chain/voting/vote.js'
import { MemChain, testGenesis, testKeys } from '../../helpers/simChain.js'

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

  describe('samplePeers', () => {
    const peers = Array.from({ length: 30 }, (_, k) => ({ key: key(k + 1), power: k % 3 === 0 ? 0 : k * k }))
    it('samples at most 16 distinct peers and never a power-0 peer', () => {
      const s = samplePeers(peers, 16, seededRng('a'))
      expect(s).to.have.length(16)
      expect(new Set(s.map(toHex)).size).to.equal(16)
      const zero = new Set(peers.filter(p => p.power === 0).map(p => toHex(p.key)))
      expect(s.some(k => zero.has(toHex(k)))).to.equal(false)
    })
    it('takes every samplable peer when there are fewer than the maximum', () => {
      const s = samplePeers(peers.slice(0, 6), 16, seededRng('b'))
      expect(s.map(toHex).sort()).to.deep.equal([key(2), key(3), key(5), key(6)].map(toHex).sort())
    })
    it('is deterministic for a seed and counts a repeated key once', () => {
      const twice = [...peers, ...peers]
      expect(samplePeers(twice, 16, seededRng('c')).map(toHex)).to.deep.equal(samplePeers(peers, 16, seededRng('c')).map(toHex))
      expect(samplePeers([{ key: key(1), power: 4 }, { key: key(1), power: 4 }], 16, seededRng('d'))).to.have.length(1)
    })
    it('weights by ⌊√power⌋: p = 10 against p = 1 wins about 10 draws in 11', () => {
      const rng = seededRng('weights')
      let heavy = 0
      for (let k = 0; k < 2200; k++) {
        const [first] = samplePeers([{ key: key(1), power: 1 }, { key: key(2), power: 120 }], 1, rng) // ⌊√120⌋ = 10
        if (first[0] === 2) heavy++
      }
      expect(heavy).to.be.within(1900, 2100)
    })
    it('returns nothing when nobody has power', () => {
      expect(samplePeers([{ key: key(1), power: 0 }], 16, seededRng('e'))).to.deep.equal([])
    })
  })

  describe('tallyVotes', () => {
    it('keeps the own chain without votes', () => {
      expect(tallyVotes([])).to.deep.equal({ kind: 'keep' })
    })
    it('picks the most votes', () => {
      const d = tallyVotes([vote(1, 6), vote(2, 12), vote(1, 6)])
      expect(d).to.deep.include({ kind: 'adopt', height: 6, votes: 2 })
      expect(d.kind === 'adopt' && toHex(d.checkpointId)).to.equal(toHex(key(1)))
    })
    it('breaks a tie by the greater height, then the smaller id', () => {
      const d = tallyVotes([vote(1, 6), vote(2, 12)])
      expect(d.kind === 'adopt' && d.height).to.equal(12)
      const e = tallyVotes([vote(9, 12), vote(3, 12)])
      expect(e.kind === 'adopt' && toHex(e.checkpointId)).to.equal(toHex(key(3)))
    })
    it('counts one id claimed at two heights as two candidates', () => {
      const d = tallyVotes([vote(1, 6), vote(1, 12), vote(2, 6), vote(2, 6)])
      expect(d.kind === 'adopt' && toHex(d.checkpointId)).to.equal(toHex(key(2)))
    })
  })

  describe('VotingRound', () => {
    let now = 1000
    const clock = (): number => now
    beforeEach(() => { now = 1000 })

    it('lasts MAX_BT seconds', () => {
      expect(votingRoundDurationS(10)).to.equal(18)
      expect(votingRoundDurationS(60)).to.equal(108)
    })
    it('ends when 16 votes are in', () => {
      const sampled = Array.from({ length: 20 }, (_, k) => key(k + 1))
      const round = new VotingRound({ sampled, clock, durationS: 18 })
      for (let k = 0; k < 15; k++) round.addVote(sampled[k], vote(1, 6))
      expect(round.isDone()).to.equal(false)
      round.addVote(sampled[15], vote(2, 6))
      expect(round.endReason()).to.equal('max-votes')
      expect(codeOf(() => round.addVote(sampled[16], vote(2, 6)))).to.equal('VOTE_ROUND_CLOSED')
      expect(round.decision()).to.deep.include({ kind: 'adopt', votes: 15 })
    })
    it('ends when every sampled peer has voted', () => {
      const round = new VotingRound({ sampled: [key(1), key(2)], clock, durationS: 18 })
      round.addVote(key(1), vote(5, 6))
      expect(round.isDone()).to.equal(false)
      round.addVote(key(2), vote(5, 6))
      expect(round.endReason()).to.equal('all-voted')
    })
    it('ends after MAX_BT seconds, and without votes keeps the own chain', () => {
      const round = new VotingRound({ sampled: [key(1), key(2)], clock, durationS: 18 })
      now = 1017
      expect(round.isDone()).to.equal(false)
      expect(round.remainingS()).to.equal(1)
      now = 1018
      expect(round.endReason()).to.equal('timeout')
      expect(round.decision()).to.deep.equal({ kind: 'keep' })
    })
    it('an empty sample ends at once and keeps the own chain', () => {
      const round = new VotingRound({ sampled: [], clock, durationS: 18 })
      expect(round.isDone()).to.equal(true)
      expect(round.decision()).to.deep.equal({ kind: 'keep' })
    })
    it('takes one vote per sampled key only', () => {
      const round = new VotingRound({ sampled: [key(1), key(2)], clock, durationS: 18 })
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
      const v = voteFromTipBlock(chain.tip, genesis, blockId(chain.tip))
      expect(v.height).to.equal(6) // cp(14) with M = 6
      expect(toHex(v.checkpointId)).to.equal(toHex(blockId(chain.blocks[6])))
      expect(toHex(v.tipId)).to.equal(toHex(blockId(chain.tip)))
    })
    it('the genesis block is a valid tip (unsigned by design)', () => {
      expect(voteFromTipBlock(genesis.block, genesis).height).to.equal(0)
      // A peer still at genesis votes for the genesis block, never for the zero id in its `i`.
      expect(toHex(voteFromTipBlock(genesis.block, genesis).checkpointId)).to.equal(toHex(genesis.blockId))
    })
    it('refuses another chain, a bad signature or a block the blkTip item does not name', () => {
      const other = testGenesis(keys, [4, 4, 5])
      expect(codeOf(() => voteFromTipBlock(chain.tip, other))).to.equal('VOTE_WRONG_CHAIN')
      const { s: _s, ...unsigned } = chain.tip
      const forged = signBlock(unsigned, keyPairFromSeed('forger').secretKey)
      expect(codeOf(() => voteFromTipBlock(forged, genesis))).to.equal('VOTE_BAD_SIGNATURE')
      expect(codeOf(() => voteFromTipBlock(chain.tip, genesis, blockId(chain.blocks[3])))).to.equal('VOTE_TIP_MISMATCH')
    })
    it('a tip older than 3·M·T seconds is stale', () => {
      expect(isTipStale(1000, 1180, genesis)).to.equal(false)
      expect(isTipStale(1000, 1181, genesis)).to.equal(true)
    })
  })
})
