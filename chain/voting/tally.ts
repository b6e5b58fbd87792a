// A voting round (PROTOCOL §6): one vote per sampled peer key; it ends with 16 votes, when every
// sampled peer has voted, or MAX_BT seconds after it started. The winner has the most votes,
// ties go to the greater height, then the smaller checkpoint id; no votes keeps the own chain.
import { ChainError } from '../errors.js'
import { VOTE_MAX_PEERS } from '../constants.js'
import { compareBytes, toHex } from '../hex.js'
import { potParams } from '../consensus/pot.js'
import type { Vote } from './vote.js'

export type VoteDecision =
  | { kind: 'keep' }
  | { kind: 'adopt', checkpointId: Uint8Array, height: number, votes: number }

export type RoundEnd = 'max-votes' | 'all-voted' | 'timeout'

/** Counts votes per (checkpoint id, height) and picks the winner by the §6 order. */
export function tallyVotes (votes: Iterable<Vote>): VoteDecision {
  const counts = new Map<string, { checkpointId: Uint8Array, height: number, votes: number }>()
  for (const v of votes) {
    // Keyed on id and height: a peer cannot lend its vote to an id by claiming another height.
    const k = `${toHex(v.checkpointId)}:${v.height}`
    const c = counts.get(k)
    if (c !== undefined) c.votes++
    else counts.set(k, { checkpointId: v.checkpointId, height: v.height, votes: 1 })
  }
  let best: { checkpointId: Uint8Array, height: number, votes: number } | undefined
  for (const c of counts.values()) {
    if (best === undefined || c.votes > best.votes ||
      (c.votes === best.votes && (c.height > best.height ||
        (c.height === best.height && compareBytes(c.checkpointId, best.checkpointId) < 0)))) best = c
  }
  return best === undefined ? { kind: 'keep' } : { kind: 'adopt', ...best }
}

/** A round lasts MAX_BT = ⌊9T/5⌋ seconds. */
export const votingRoundDurationS = (blockTime: number): number => Number(potParams(blockTime).MAX_BT)

export interface RoundOptions {
  /** The peers this round sampled (samplePeers); only they may vote. */
  sampled: readonly Uint8Array[]
  /** Unix seconds. */
  clock: () => number
  durationS: number
  maxVotes?: number
}

export class VotingRound {
  readonly startedAt: number
  private readonly sampled: Set<string>
  private readonly votes = new Map<string, Vote>()
  private readonly maxVotes: number

  constructor (private readonly opts: RoundOptions) {
    this.startedAt = opts.clock()
    this.sampled = new Set(opts.sampled.map(toHex))
    this.maxVotes = opts.maxVotes ?? VOTE_MAX_PEERS
  }

  get voteCount (): number { return this.votes.size }

  /** Records a peer's vote; throws VOTE_ROUND_CLOSED, VOTE_NOT_SAMPLED or VOTE_DUPLICATE. */
  addVote (peerKey: Uint8Array, vote: Vote): void {
    if (this.endReason() !== undefined) throw new ChainError('VOTE_ROUND_CLOSED', 'the voting round has ended')
    const k = toHex(peerKey)
    if (!this.sampled.has(k)) throw new ChainError('VOTE_NOT_SAMPLED', `peer ${k} was not sampled for this round`)
    if (this.votes.has(k)) throw new ChainError('VOTE_DUPLICATE', `peer ${k} has already voted`)
    this.votes.set(k, vote)
  }

  /** Why the round is over, or undefined while it is open. */
  endReason (): RoundEnd | undefined {
    if (this.votes.size >= this.maxVotes) return 'max-votes'
    if (this.votes.size >= this.sampled.size) return 'all-voted'
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
  decision (): VoteDecision {
    return tallyVotes(this.votes.values())
  }
}
