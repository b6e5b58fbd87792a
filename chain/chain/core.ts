// What the import steps share: the store, the clock, the bounded in-memory sets and the emitter.
// The Chain class owns one ChainCore and hands it to the step functions, which keeps each step a
// plain function that tests can read top to bottom.
import { type Block, blockId } from '../block.js'
import type { ChainError } from '../errors.js'
import type { Genesis } from '../genesis.js'
import { toHex } from '../hex.js'
import type { ChainStore } from '../store/store.js'
import { Lru } from '../lru.js'
import { VoteCandidates } from './candidates.js'
import { WarningLog } from './warnings.js'
import { MAX_INVALID_BLOCK_IDS } from './constants.js'
import { PendingBlocks } from './pending.js'
import type { ChainEvents, PendingPoint, TipInfo } from './types.js'

export interface ChainCore {
  readonly store: ChainStore
  readonly genesis: Genesis
  /** Unix seconds. */
  readonly now: () => number
  readonly pending: PendingBlocks
  /** hex id → why it is invalid. Memory only: storing garbage ids would let peers fill our disk. */
  readonly invalid: Lru<string, ChainError>
  readonly candidates: VoteCandidates
  readonly warnings: WarningLog
  /** Chosen points we do not hold yet, at most one per kind: the branch that brings one is adopted (consensusPoint.ts). */
  votedPoint: PendingPoint | undefined
  trustedPoint: PendingPoint | undefined
  /**
   * A node that started on an empty chain and has not yet had a voting round decide: what it synced
   * so far was taken on difficulty alone, so it has nothing the warning range should protect
   * (docs/protocol-notes.md §11). Cleared by the first decision, or given up after a bounded time.
   */
  newNode: boolean
  emit: <K extends keyof ChainEvents>(event: K, ...args: ChainEvents[K]) => void
}

export function createCore (store: ChainStore, now: () => number, emit: ChainCore['emit']): ChainCore {
  return {
    store, genesis: store.genesis, now, emit,
    pending: new PendingBlocks(),
    invalid: new Lru(MAX_INVALID_BLOCK_IDS),
    candidates: new VoteCandidates(),
    warnings: new WarningLog(),
    votedPoint: undefined,
    trustedPoint: undefined,
    newNode: false
  }
}

export function tipInfo (block: Block): TipInfo {
  return { block, id: blockId(block), n: block.n, d: block.d }
}

/** Remembers blocks as invalid and drops whatever was pending on them. */
export function markInvalid (core: ChainCore, ids: Uint8Array[], error: ChainError): void {
  for (const id of ids) {
    core.invalid.set(toHex(id), error)
    core.pending.dropWithDescendants(id)
  }
}
