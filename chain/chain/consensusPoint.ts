// The consensus point (PROTOCOL §6, version 2): the block a voting round or the operator chose. Fork
// choice never reorganises below it, and it only moves forward along its own chain:
//  - a point on the main chain becomes the consensus point when it is higher than the current one;
//  - a point on a stored side branch is adopted (the best remembered candidate containing it, or the
//    point itself) only if that branch contains the current consensus point and the switch is not in
//    the warning range; a round begun on an empty chain is exempt from the warning range;
//  - a point not held yet is remembered (one per kind) and adopted when the branch that brings it
//    arrives and validates up to it, under the same rules;
//  - an operator's trusted checkpoint (`trusted`) skips both rules: it is the one way off a chain below
//    the consensus point, as Bitcoin Core's invalidateblock / reconsiderblock.
// A refused decision is a warning in the status, never applied.
import { type Block, blockId } from '../block.js'
import { bytesEqual } from '../hex.js'
import { ChainError } from '../errors.js'
import { branchToMain } from './ancestry.js'
import type { BranchPlan } from './branchPlan.js'
import { planAt } from './context.js'
import type { ChainCore } from './core.js'
import { commitSwitch } from './reorg.js'
import type { PendingPoint, PointMode, TipInfo, VoteResult, WarningReason } from './types.js'
import { warnRefused } from './warnings.js'

/** The range rule a switch to a chosen point on a branch forking at `forkHeight` would break, if any. */
export function adoptionRefusal (core: ChainCore, forkHeight: number, mode: PointMode): WarningReason | undefined {
  if (mode === 'trusted') return undefined
  if (forkHeight < core.store.consensusPoint.n) return 'vote-below-consensus-point'
  if (mode === 'vote' && !core.newNode && core.store.tip.n - forkHeight > 3 * core.genesis.config.mutableRange) return 'vote-deep-fork'
  return undefined
}

function remember (core: ChainCore, p: PendingPoint): void {
  if (p.mode === 'trusted') core.trustedPoint = p
  else core.votedPoint = p
}

/** Forgets a pending point (adopted, refused, or given up by the caller). */
export function forgetPending (core: ChainCore, id: Uint8Array): void {
  if (core.votedPoint !== undefined && bytesEqual(core.votedPoint.id, id)) core.votedPoint = undefined
  if (core.trustedPoint !== undefined && bytesEqual(core.trustedPoint.id, id)) core.trustedPoint = undefined
}

export async function applyPointNow (core: ChainCore, pointId: Uint8Array, mode: PointMode): Promise<VoteResult> {
  const { store } = core
  if (pointId.length !== 32) throw new ChainError('CHAIN_BAD_ID', 'a consensus point is a 32-byte block id')
  const point = store.getBlock(pointId)
  if (point === undefined) {
    remember(core, { id: new Uint8Array(pointId), mode })
    return { kind: 'unknown' }
  }
  forgetPending(core, pointId)

  if (store.isMain(point)) {
    // On our own chain: it only ever moves up (a lower point is an ancestor the chain already holds).
    if (point.n > store.consensusPoint.n) {
      const cp = { id: blockId(point), n: point.n }
      await store.commit({ consensusPoint: cp })
      core.emit('consensusPoint', cp)
    }
    core.candidates.prune(store.tip.d, store.consensusPoint.n)
    return { kind: 'kept', consensusPoint: store.consensusPoint }
  }

  const { forkPoint, path } = branchToMain(store, point)
  const refusal = adoptionRefusal(core, forkPoint.n, mode)
  if (refusal !== undefined) return { kind: 'refused', warning: warnRefused(core, refusal, point, path[0], forkPoint.n) }
  const candidate = core.candidates.containing(store, pointId)
  const plan = planAt(store, candidate === undefined ? point : store.getBlock(candidate.tipId)!)
  const { tip, depth } = await adoptPointBranch(core, plan, point)
  if (candidate !== undefined) core.candidates.delete(candidate.tipId)
  return { kind: 'reorged', consensusPoint: { id: blockId(point), n: point.n }, tip, depth }
}

/** The pending point lying on this branch (stored side blocks `path` or new `fresh` ones), the operator's first. */
export function pendingPointOn (core: ChainCore, path: Block[], fresh: Block[]): { block: Block, mode: PointMode } | undefined {
  for (const p of [core.trustedPoint, core.votedPoint]) {
    if (p === undefined) continue
    const block = path.find(b => bytesEqual(blockId(b), p.id)) ?? fresh.find(b => bytesEqual(blockId(b), p.id))
    if (block !== undefined) return { block, mode: p.mode }
  }
  return undefined
}

/** Switches to a validated plan that contains `point` and makes `point` the consensus point, in one batch. */
export async function adoptPointBranch (core: ChainCore, plan: BranchPlan, point: Block): Promise<{ tip: TipInfo, depth: number }> {
  const cp = { id: blockId(point), n: point.n }
  const r = await commitSwitch(core, plan, { consensusPoint: cp })
  forgetPending(core, cp.id)
  core.emit('consensusPoint', cp)
  return r
}
