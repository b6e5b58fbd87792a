// The consensus point (PROTOCOL §6): the block a voting round chose. Fork choice never reorganises
// below it; it is persisted with the tip. A vote is the one thing that may move the chain onto a
// voting-range candidate: applyVote switches when the chosen point lies on a remembered
// candidate's branch (above its fork point). A vote for a block we do not hold returns 'unknown':
// the sync pipeline fetches that branch, whose import makes it a candidate, then votes again.
import { blockId } from '../block.js'
import { ChainError } from '../errors.js'
import { branchToMain } from './ancestry.js'
import { BranchPlan } from './branchPlan.js'
import type { ChainCore } from './core.js'
import { commitSwitch } from './reorg.js'
import type { VoteResult } from './types.js'

export async function applyVoteNow (core: ChainCore, pointId: Uint8Array): Promise<VoteResult> {
  const { store } = core
  if (pointId.length !== 32) throw new ChainError('CHAIN_BAD_ID', 'a consensus point is a 32-byte block id')
  const point = store.getBlock(pointId)
  if (point === undefined) return { kind: 'unknown' }
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
  if (candidate === undefined) return { kind: 'no-candidate' }
  const tip = store.getBlock(candidate.tipId)!
  const { forkPoint, path } = branchToMain(store, tip)
  const plan = new BranchPlan(store, forkPoint)
  for (const b of path) plan.replay(b, store.blockTxs(b)) // validated when stored
  const { tip: newTip, depth } = await commitSwitch(core, plan, { consensusPoint: cp })
  core.candidates.delete(candidate.tipId)
  core.emit('consensusPoint', cp)
  return { kind: 'reorged', consensusPoint: cp, tip: newTip, depth }
}
