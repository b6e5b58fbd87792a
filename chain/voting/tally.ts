// A voting round's tally and decision (PROTOCOL §6, version 2). Each checkpoint gets the summed weight
// of the sampled keys that voted for it; S is the weight of every sampled key, answering or not. A node
// with an empty chain takes the heaviest checkpoint (ties: the smaller id) once the valid votes hold more
// than S / 2 between them; any other node needs more than S / 2 for one checkpoint, else it keeps its
// chain. Claimed heights never break ties: a height is a claim.
import { ChainError } from '../errors.js'
import { compareBytes, toHex } from '../hex.js'
import { potParams } from '../consensus/pot.js'
import type { WeightedKey } from './sample.js'
import type { Vote } from './vote.js'

export interface TallyEntry { checkpointId: Uint8Array, height: number, weight: bigint, voters: number }

export type DecisionRule = 'plurality (empty chain)' | 'majority (> S/2)'

export type VoteDecision =
  | { kind: 'keep', why: string, tally: TallyEntry[], totalWeight: bigint, rule: DecisionRule }
  | { kind: 'adopt', checkpointId: Uint8Array, height: number, weight: bigint, why: string, tally: TallyEntry[], totalWeight: bigint, rule: DecisionRule }

export type RoundEnd = 'all-voted' | 'timeout'

export interface WeightedVote { weight: bigint, vote: Vote }

/** Heaviest first; equal weight: the smaller id first. */
function heavierFirst (a: TallyEntry, b: TallyEntry): number {
  if (a.weight !== b.weight) return a.weight > b.weight ? -1 : 1
  return compareBytes(a.checkpointId, b.checkpointId)
}

/**
 * The decision from weighted votes. `totalWeight` is S; `emptyChain` selects the plurality rule.
 * Votes are keyed by checkpoint id alone: the height was checked against the checkpoint block.
 */
export function tallyVotes (votes: Iterable<WeightedVote>, totalWeight: bigint, emptyChain: boolean): VoteDecision {
  const byId = new Map<string, TallyEntry>()
  for (const { weight, vote } of votes) {
    const k = toHex(vote.checkpointId)
    const e = byId.get(k)
    if (e !== undefined) { e.weight += weight; e.voters++ } else byId.set(k, { checkpointId: vote.checkpointId, height: vote.height, weight, voters: 1 })
  }
  const tally = [...byId.values()].sort(heavierFirst)
  const rule: DecisionRule = emptyChain ? 'plurality (empty chain)' : 'majority (> S/2)'
  const base = { tally, totalWeight, rule }
  const best = tally[0]
  if (best === undefined) return { kind: 'keep', why: 'no valid votes', ...base }
  if (emptyChain) {
    // Plurality among the answers only when the answers hold most of the sampled weight: otherwise a
    // few cheap keys that answer fast would choose for a new node whose heavy peers are slow or cut
    // off (docs/protocol-notes.md §11). Without a decision the node follows the heaviest chain.
    const answered = tally.reduce((sum, t) => sum + t.weight, 0n)
    if (answered * 2n <= totalWeight) {
      return { kind: 'keep', why: `only ${answered} of S = ${totalWeight} answered: no quorum for a new node's choice`, ...base }
    }
    return { kind: 'adopt', checkpointId: best.checkpointId, height: best.height, weight: best.weight, why: `heaviest of ${tally.length} checkpoint(s): ${best.weight} of S = ${totalWeight}`, ...base }
  }
  if (best.weight * 2n > totalWeight) {
    return { kind: 'adopt', checkpointId: best.checkpointId, height: best.height, weight: best.weight, why: `${best.weight} of S = ${totalWeight} is more than half`, ...base }
  }
  return { kind: 'keep', why: `the heaviest checkpoint has ${best.weight} of S = ${totalWeight}, not more than half`, ...base }
}

/** A round lasts MAX_BT = ⌊9T/5⌋ seconds. */
export const votingRoundDurationS = (blockTime: number): number => Number(potParams(blockTime).MAX_BT)

export interface RoundOptions {
  /** The keys this round sampled (samplePeers) with their weights; only they may vote. */
  sampled: readonly WeightedKey[]
  /** Unix seconds. */
  clock: () => number
  durationS: number
}

/** One round: one vote per sampled key; it ends when every sampled key has voted or after durationS. */
export class VotingRound {
  readonly startedAt: number
  readonly totalWeight: bigint
  private readonly weights = new Map<string, bigint>()
  private readonly votes = new Map<string, WeightedVote>()

  constructor (private readonly opts: RoundOptions) {
    this.startedAt = opts.clock()
    let total = 0n
    for (const s of opts.sampled) {
      const k = toHex(s.key)
      if (this.weights.has(k)) continue
      this.weights.set(k, s.weight)
      total += s.weight
    }
    this.totalWeight = total
  }

  get voteCount (): number { return this.votes.size }

  /** Records a sampled key's vote; throws VOTE_ROUND_CLOSED, VOTE_NOT_SAMPLED or VOTE_DUPLICATE. */
  addVote (key: Uint8Array, vote: Vote): void {
    if (this.endReason() !== undefined) throw new ChainError('VOTE_ROUND_CLOSED', 'the voting round has ended')
    const k = toHex(key)
    const weight = this.weights.get(k)
    if (weight === undefined) throw new ChainError('VOTE_NOT_SAMPLED', `key ${k} was not sampled for this round`)
    if (this.votes.has(k)) throw new ChainError('VOTE_DUPLICATE', `key ${k} has already voted`)
    this.votes.set(k, { weight, vote })
  }

  /** Why the round is over, or undefined while it is open. */
  endReason (): RoundEnd | undefined {
    if (this.votes.size >= this.weights.size) return 'all-voted'
    if (this.opts.clock() - this.startedAt >= this.opts.durationS) return 'timeout'
    return undefined
  }

  isDone (): boolean { return this.endReason() !== undefined }

  /** Seconds until the round times out (0 once over): how long a caller should wait at most. */
  remainingS (): number {
    if (this.isDone()) return 0
    return Math.max(0, this.startedAt + this.opts.durationS - this.opts.clock())
  }

  /** The decision from the votes so far (final once isDone()). */
  decision (emptyChain: boolean): VoteDecision {
    return tallyVotes(this.votes.values(), this.totalWeight, emptyChain)
  }
}
