// A voting round as /votes, the log and the UI show it (PROTOCOL §6). Plain data with no imports, so
// the API's answer types (node/api/types.ts) can name it without pulling in the node.

/** One sampled key's part in a round: its vote, or why it counted for nothing. */
export interface VoteEntry {
  key: string
  /** Power in the weight state, as a decimal string. */
  weight: string
  valid: boolean
  checkpointId?: string
  /** cp(n) of the voter's tip, checked against the checkpoint block. */
  height?: number
  tipId?: string
  /** For a void vote: the code (VOTE_NO_ANSWER when the key did not answer within the round). */
  code?: string
  reason?: string
}

export interface VoteRoundReport {
  round: number
  reason: 'empty-chain' | 'stale-tip' | 'voting-range-fork'
  startedAt: number
  endedAt: number
  /** The main-chain block at cp(tip.n) whose state gave the weights. */
  weightState: { height: number, id: string }
  sampled: Array<{ key: string, weight: string }>
  /** S: the weight of every sampled key, answering or not. */
  totalWeight: string
  votes: VoteEntry[]
  tally: Array<{ checkpointId: string, height: number, weight: string, voters: number }>
  decision: { kind: 'keep' | 'adopt', rule: string, why: string, checkpointId?: string, height?: number, weight?: string }
  /** What became of the decision: applied, refused by a range rule, void (chain not had), or nothing to do. */
  outcome: { kind: 'none' | 'kept' | 'moved' | 'switched' | 'refused' | 'void', message: string }
}
