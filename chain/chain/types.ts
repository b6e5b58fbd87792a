// The Chain's public result and event types.
import type { Block } from '../block.js'
import type { ChainError } from '../errors.js'
import type { Transaction } from '../tx.js'

export interface TipInfo {
  block: Block
  id: Uint8Array
  n: number
  /** Cumulative difficulty. */
  d: bigint
}

/**
 * Why a switch was refused (PROTOCOL §6): a better fork in the warning range or below the consensus
 * point, or a vote's decision that would need such a switch.
 */
export type WarningReason = 'deep-fork' | 'below-consensus-point' | 'vote-deep-fork' | 'vote-below-consensus-point'

/**
 * How a consensus point was chosen: by a voting round (`vote`), by a round that began on an empty
 * chain (`vote-empty`: exempt from the warning range), or by the operator (`trusted`: exempt from
 * every range and from the consensus point, the one way off a chain below it).
 */
export type PointMode = 'vote' | 'vote-empty' | 'trusted'

/** A chosen consensus point the chain does not hold yet: the branch that brings it is adopted. */
export interface PendingPoint { id: Uint8Array, mode: PointMode }

export interface ChainWarning {
  reason: WarningReason
  /** Tip of the refused branch. Its difficulty is as the branch claims: it was not validated. */
  candidateId: Uint8Array
  /** The branch's first block above the fork point: one warning per fork, however often it is read. */
  branchId: Uint8Array
  candidateHeight: number
  candidateD: bigint
  forkHeight: number
  depth: number
  /** Unix seconds. */
  at: number
  message: string
}

/** A better fork in the voting range (M < depth ≤ 3M), waiting for applyVote. */
export interface VoteCandidate {
  tipId: Uint8Array
  n: number
  d: bigint
  forkHeight: number
  depth: number
}

export interface BlockFailure { id: Uint8Array, error: ChainError }

interface Base {
  /** The last block this call got to (the new tip, the stored block, the pending one, ...). */
  id: Uint8Array
  /** When a branch was cut short by an invalid block: which one and why (the valid prefix was still used). */
  invalid?: BlockFailure
}

export type ImportResult =
  | Base & { kind: 'extended', tip: TipInfo }
  | Base & { kind: 'reorged', tip: TipInfo, depth: number }
  /** Stored, valid, not better than the tip; `stored: false` when it is out of reach (not worth storing). */
  | Base & { kind: 'side', stored: boolean }
  | Base & { kind: 'known' }
  /** Parent unknown: held in the bounded pending set until it arrives. */
  | Base & { kind: 'pending', parentId: Uint8Array }
  | Base & { kind: 'needs-vote', candidate: VoteCandidate }
  | Base & { kind: 'refused-warning', warning: ChainWarning }
  | Base & { kind: 'invalid', error: ChainError }

export type VoteResult =
  /** The point is on the main chain; it became the consensus point if it is higher than the old one. */
  | { kind: 'kept', consensusPoint: { id: Uint8Array, n: number } }
  /** The point is on a side branch: the chain switched to the best known chain that contains it. */
  | { kind: 'reorged', consensusPoint: { id: Uint8Array, n: number }, tip: TipInfo, depth: number }
  /** The block is not stored: the chain remembers it and adopts the branch that brings it (sync it). */
  | { kind: 'unknown' }
  /** Adopting it would break a range rule or move the consensus point off its own chain: not applied. */
  | { kind: 'refused', warning: ChainWarning }

export interface ReorgEvent {
  depth: number
  oldTip: TipInfo
  newTip: TipInfo
  /** Main-chain blocks rolled back, highest first. */
  removed: Block[]
  /** Blocks that became main-chain blocks, lowest first. */
  added: Block[]
  /** Transactions of removed blocks that no added block carries: the pool may re-admit them. */
  returnedTxs: Transaction[]
}

export interface ChainEvents {
  tip: [TipInfo]
  reorg: [ReorgEvent]
  warning: [ChainWarning]
  consensusPoint: [{ id: Uint8Array, n: number }]
}

export interface ChainStatus {
  tip: TipInfo
  consensusPoint: { id: Uint8Array, n: number }
  voteCandidates: VoteCandidate[]
  /** A chosen point not yet held (a vote's or the operator's): the branch bringing it will be adopted. */
  pendingPoints: PendingPoint[]
  warnings: ChainWarning[]
  pendingBlocks: number
  stagedItems: number
}
