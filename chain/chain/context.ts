// Views of the chain at any stored block: its state and the BlockContext for mining or validating
// a child of it. Both come from a BranchPlan (roll the tip back to the block's fork point through
// undo records, replay the side blocks above it), so nothing is written and no replay from genesis
// is ever needed.
import type { Block } from '../block.js'
import type { BlockContext } from '../consensus/validateBlock.js'
import type { StateView } from '../state/account.js'
import type { ChainStore } from '../store/store.js'
import { bytesEqual } from '../hex.js'
import { branchToMain } from './ancestry.js'
import { BranchPlan } from './branchPlan.js'

/** A plan whose tip is `block` (a stored, valid block). */
export function planAt (store: ChainStore, block: Block): BranchPlan {
  const { forkPoint, path } = branchToMain(store, block)
  const plan = new BranchPlan(store, forkPoint)
  for (const b of path) plan.replay(b, store.blockTxs(b))
  return plan
}

/**
 * State after block `id`. For the tip it is the store itself (live: it moves with the chain); for
 * any other block a detached in-memory view.
 */
export function stateAt (store: ChainStore, id: Uint8Array): StateView | undefined {
  if (bytesEqual(id, store.tipId)) return store
  const block = store.getBlock(id)
  return block === undefined ? undefined : planAt(store, block).state
}

/**
 * The BlockContext for a child of `parentId` (the miner's and the sync pipeline's entry point).
 * For the tip, `parentState` is the live store: use the context before the next import commits.
 */
export function contextFor (store: ChainStore, parentId: Uint8Array, now: number): BlockContext | undefined {
  const parent = store.getBlock(parentId)
  if (parent === undefined) return undefined
  return planAt(store, parent).context(now)
}
