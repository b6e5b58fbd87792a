// Switching the main chain to a validated branch plan: one batch (blocks, height index, undo
// records, state, tip, and the consensus point when a vote moves it), then the events. Events go
// out only after the batch is on disk, so a listener never sees a tip the store does not hold.
import type { StoreWrite } from '../store/write.js'
import type { BranchPlan } from './branchPlan.js'
import { type ChainCore, tipInfo } from './core.js'
import type { TipInfo } from './types.js'

export async function commitSwitch (core: ChainCore, plan: BranchPlan, extra: StoreWrite = {}): Promise<{ tip: TipInfo, depth: number }> {
  const oldTip = tipInfo(core.store.tip)
  const depth = plan.depth
  const returnedTxs = depth > 0 ? plan.returnedTxs() : []
  await core.store.commit({ ...plan.switchWrite(), ...extra })
  const tip = tipInfo(plan.tip)
  core.candidates.prune(tip.d, core.store.consensusPoint.n)
  if (depth > 0) {
    core.emit('reorg', {
      depth, oldTip, newTip: tip, removed: [...plan.removed], added: plan.applied.map(a => a.block), returnedTxs
    })
  }
  core.emit('tip', tip)
  return { tip, depth }
}
