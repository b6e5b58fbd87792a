// Forks the chain did not take, remembered for later: voting-range candidates wait for applyVote
// (PROTOCOL §6), warning-range refusals are kept for the node's status. Both are bounded.
import { blockId } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import type { ChainStore } from '../store/store.js'
import { branchToMain } from './ancestry.js'
import { MAX_VOTE_CANDIDATES, MAX_WARNINGS_KEPT } from './constants.js'
import type { ChainWarning, VoteCandidate } from './types.js'

export class VoteCandidates {
  private readonly byTip = new Map<string, VoteCandidate>()

  constructor (readonly max = MAX_VOTE_CANDIDATES) {}

  all (): VoteCandidate[] { return [...this.byTip.values()] }

  /** Remembers `c`; a candidate it extends is replaced. Over the bound, the lowest difficulty goes. */
  remember (c: VoteCandidate, parentId: Uint8Array): void {
    this.byTip.delete(toHex(parentId))
    this.byTip.set(toHex(c.tipId), c)
    if (this.byTip.size > this.max) {
      const weakest = this.all().sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0))[0]
      this.byTip.delete(toHex(weakest.tipId))
    }
  }

  delete (tipId: Uint8Array): void { this.byTip.delete(toHex(tipId)) }

  /** Drops candidates that the main chain has caught up with or whose fork point is below `minForkHeight`. */
  prune (tipD: bigint, minForkHeight: number): void {
    for (const [h, c] of this.byTip) if (c.d <= tipD || c.forkHeight < minForkHeight) this.byTip.delete(h)
  }

  /** The candidate with the most difficulty whose branch (above its fork point) contains `pointId`. */
  containing (store: ChainStore, pointId: Uint8Array): VoteCandidate | undefined {
    let best: VoteCandidate | undefined
    for (const c of this.byTip.values()) {
      const tip = store.getBlock(c.tipId)
      if (tip === undefined) continue
      const { path } = branchToMain(store, tip)
      if (path.some(b => bytesEqual(blockId(b), pointId))) {
        if (best === undefined || c.d > best.d) best = c
      }
    }
    return best
  }
}

export class WarningLog {
  private readonly list: ChainWarning[] = []

  constructor (readonly max = MAX_WARNINGS_KEPT) {}

  add (w: ChainWarning): void {
    const i = this.list.findIndex(x => bytesEqual(x.candidateId, w.candidateId))
    if (i >= 0) this.list.splice(i, 1)
    this.list.push(w)
    if (this.list.length > this.max) this.list.shift()
  }

  all (): ChainWarning[] { return [...this.list] }
}
