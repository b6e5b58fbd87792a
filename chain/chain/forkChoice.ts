// Fork choice (PROTOCOL §6) as one pure function: given the tip, a candidate branch and where it
// forks, what may the chain do? The chain asks twice: first with the branch's claimed difficulty
// (to skip validating what it could never adopt), then with the validated prefix.

export type ForkDecision =
  /** Not better than the tip (a tie keeps the current tip): keep it as a side branch. */
  | 'side'
  /** The candidate builds on the tip. */
  | 'extend'
  /** Mutable range (depth ≤ M): switch once the branch is valid. */
  | 'switch'
  /** Voting range (M < depth ≤ 3M): only a vote for a point on the branch may switch. */
  | 'vote'
  /** Warning range (depth > 3M): refuse and warn. */
  | 'deep-fork'
  /** Forks below the consensus point: the chain never reorganises below it. */
  | 'below-consensus-point'

export interface ForkInput {
  tipD: bigint
  tipN: number
  candidateD: bigint
  forkHeight: number
  consensusHeight: number
  /** M, blocks. */
  mutableRange: number
  /** A new node (chain/chain/core.ts newNode): better forks above the consensus point switch at any depth. */
  newNode?: boolean
}

export function chooseFork (f: ForkInput): ForkDecision {
  if (f.candidateD <= f.tipD) return 'side'
  if (f.forkHeight < f.consensusHeight) return 'below-consensus-point'
  const depth = f.tipN - f.forkHeight
  if (depth === 0) return 'extend'
  if (depth <= f.mutableRange || f.newNode === true) return 'switch'
  if (depth <= 3 * f.mutableRange) return 'vote'
  return 'deep-fork'
}

/** Branches the chain would never validate, whatever their difficulty: too deep or below the consensus point. */
export function outOfReach (f: Omit<ForkInput, 'tipD' | 'candidateD'>): 'deep-fork' | 'below-consensus-point' | undefined {
  if (f.forkHeight < f.consensusHeight) return 'below-consensus-point'
  if (f.tipN - f.forkHeight > 3 * f.mutableRange && f.newNode !== true) return 'deep-fork'
  return undefined
}
