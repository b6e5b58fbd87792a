// Refused switches (PROTOCOL §6): kept for the node's status, emitted once per fork. A hostile peer
// that keeps publishing tips of one refused branch must not turn into a warning per read: the
// branch is known by its first block above the fork point, and only a new one is announced.
import { type Block, blockId } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import { MAX_WARNINGS_KEPT } from './constants.js'
import type { ChainCore } from './core.js'
import type { ChainWarning, WarningReason } from './types.js'

export class WarningLog {
  private readonly list: ChainWarning[] = []

  constructor (readonly max = MAX_WARNINGS_KEPT) {}

  /** Keeps `w` (replacing the entry of the same fork); true when the fork was not held before. */
  add (w: ChainWarning): boolean {
    const i = this.list.findIndex(x => x.reason === w.reason && bytesEqual(x.branchId, w.branchId))
    if (i >= 0) this.list.splice(i, 1)
    this.list.push(w)
    if (this.list.length > this.max) this.list.shift()
    return i < 0
  }

  all (): ChainWarning[] { return [...this.list] }
}

/** What the operator can do, named in the message (docs/operations.md, "Consensus warnings"). */
const OVERRIDE_HINT = 'if you trust that branch, give its block id as a trusted checkpoint (--checkpoint ID at start, or POST /admin/checkpoint)'

function messageFor (reason: WarningReason, core: ChainCore, depth: number, forkHeight: number, last: Block): string {
  const m3 = 3 * core.genesis.config.mutableRange
  const cp = core.store.consensusPoint.n
  switch (reason) {
    case 'deep-fork':
      return `refused a better fork ${depth} blocks deep (more than 3M = ${m3}); it forks at height ${forkHeight}; ${OVERRIDE_HINT}`
    case 'below-consensus-point':
      return `refused a better fork below the consensus point (height ${cp}); it forks at height ${forkHeight}; ${OVERRIDE_HINT}`
    case 'vote-deep-fork':
      return `a voting round chose checkpoint ${toHex(blockId(last))} at height ${last.n}, but switching to it would roll back ${depth} blocks (more than 3M = ${m3}): not applied; ${OVERRIDE_HINT}`
    case 'vote-below-consensus-point':
      return `a voting round chose checkpoint ${toHex(blockId(last))} at height ${last.n}, which is not a descendant of the consensus point (height ${cp}): not applied; ${OVERRIDE_HINT}`
  }
}

/**
 * Records a refused switch and emits `warning` when the fork is new. `last` is the refused branch's
 * tip (or the refused checkpoint), `first` its first block above the fork point.
 */
export function warnRefused (core: ChainCore, reason: WarningReason, last: Block, first: Block, forkHeight: number): ChainWarning {
  const depth = core.store.tip.n - forkHeight
  const warning: ChainWarning = {
    reason, candidateId: blockId(last), branchId: blockId(first), candidateHeight: last.n, candidateD: last.d, forkHeight, depth, at: core.now(),
    message: messageFor(reason, core, depth, forkHeight, last)
  }
  if (core.warnings.add(warning)) core.emit('warning', warning)
  return warning
}
