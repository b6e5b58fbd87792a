// Better forks in the voting range, remembered until a vote decides (PROTOCOL §6). Bounded.
import { blockId } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import type { ChainStore } from '../store/store.js'
import { branchToMain } from './ancestry.js'
import { MAX_VOTE_CANDIDATES } from './constants.js'
import type { VoteCandidate } from './types.js'

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
