// The consensus point (PROTOCOL §6): the block a voting round chose. Fork choice never reorganises
// below it; it is persisted with the tip. A vote is the one thing that may move the chain onto
// another branch whatever its depth or difficulty: "the node keeps (or syncs to) the best valid
// chain that contains it".
//  - point on the main chain: it becomes the consensus point if higher than the current one;
//  - point on a stored side branch: switch to the best remembered candidate containing it, or to
//    the point itself when none does (its descendants then extend it as they arrive);
//  - point unknown: remembered as `votedPoint`; the branch that brings it (sync fetches it) is
//    validated even if out of reach and adopted as soon as it is valid up to the point.
import { type Block, blockId } from '../block.js'
import { bytesEqual } from '../hex.js'
import { ChainError } from '../errors.js'
import { branchToMain } from './ancestry.js'
import { BranchPlan } from './branchPlan.js'
import type { ChainCore } from './core.js'
import { commitSwitch } from './reorg.js'
import type { TipInfo, VoteResult } from './types.js'

export async function applyVoteNow (core: ChainCore, pointId: Uint8Array): Promise<VoteResult> {
  const { store } = core
  if (pointId.length !== 32) throw new ChainError('CHAIN_BAD_ID', 'a consensus point is a 32-byte block id')
  const point = store.getBlock(pointId)
  if (point === undefined) {
    core.votedPoint = new Uint8Array(pointId)
    return { kind: 'unknown' }
  }
  core.votedPoint = undefined
  const cp = { id: blockId(point), n: point.n }

  if (store.isMain(point)) {
    // On our own chain: it only ever moves up (a lower point would loosen the protection).
    if (point.n > store.consensusPoint.n) {
      await store.commit({ consensusPoint: cp })
      core.emit('consensusPoint', cp)
    }
    core.candidates.prune(store.tip.d, store.consensusPoint.n)
    return { kind: 'kept', consensusPoint: store.consensusPoint }
  }

  const candidate = core.candidates.containing(store, pointId)
  const target = candidate === undefined ? point : store.getBlock(candidate.tipId)!
  const { forkPoint, path } = branchToMain(store, target)
  const plan = new BranchPlan(store, forkPoint)
  for (const b of path) plan.replay(b, store.blockTxs(b)) // validated when stored
  const { tip, depth } = await adoptVotedBranch(core, plan, point)
  if (candidate !== undefined) core.candidates.delete(candidate.tipId)
  return { kind: 'reorged', consensusPoint: cp, tip, depth }
}

/** The voted point's block if it lies on this branch (stored side blocks `path` or new `fresh` ones). */
export function votedPointOn (core: ChainCore, path: Block[], fresh: Block[]): Block | undefined {
  const v = core.votedPoint
  if (v === undefined) return undefined
  return path.find(b => bytesEqual(blockId(b), v)) ?? fresh.find(b => bytesEqual(blockId(b), v))
}

/** Switches to a validated plan that contains `point` and makes `point` the consensus point, in one batch. */
export async function adoptVotedBranch (core: ChainCore, plan: BranchPlan, point: Block): Promise<{ tip: TipInfo, depth: number }> {
  const cp = { id: blockId(point), n: point.n }
  const r = await commitSwitch(core, plan, { consensusPoint: cp })
  core.votedPoint = undefined
  core.emit('consensusPoint', cp)
  return r
}
