// The walk back of a sync (PROTOCOL §7), in two passes that keep memory bounded by a window, not by
// the branch:
// 1. the spine: from the candidate tip down its checkpoint ids (`i` names the block at height
//    cp(n), a multiple of M), one fetch per M blocks, until a checkpoint we hold;
// 2. the segments: under each spine block, the blocks down to its checkpoint by `p`, walked from
//    the lowest spine block up, several at once but at most a window ahead of the consumer, which
//    imports them in order while the rest are fetched.
// Every link of the result is a `p` link checked by hash (a fetched block is the one its id names).
// A checkpoint at the wrong height, or one that is not the parent of its segment's lowest block,
// is invalid data: no valid chain has it.
import type { Block } from '../../chain/block.js'
import { checkpointHeight } from '../../chain/consensus/pot.js'
import { bytesEqual } from '../../chain/hex.js'

export interface WalkDeps {
  hasBlock: (id: Uint8Array) => boolean
  /** The block by id (store, staging or network), or null when it could not be had. */
  fetch: (id: Uint8Array) => Promise<Block | null>
  /** The chain's mutable range M (checkpoints are multiples of it). */
  mutableRange: number
  /** Blocks below the tip the spine goes at most (a deeper branch is fetched in several rounds). */
  maxBlocks: number
}

export type WalkFailure = 'missing' | 'bad'

/**
 * The spine blocks, tip first, each the checkpoint of the one before; the last one's checkpoint
 * is a block we hold, or the spine stopped at the depth bound (`bounded`).
 */
export async function walkSpine (deps: WalkDeps, tip: Block): Promise<{ spine: Block[], bounded: boolean } | WalkFailure> {
  const spine = [tip]
  if (tip.n === 0) return 'bad' // a height-0 block is never fetched (genesis is derived)
  for (let top = tip; !deps.hasBlock(top.i);) {
    if (tip.n - top.n >= deps.maxBlocks) return { spine, bounded: true }
    const next = await deps.fetch(top.i)
    if (next === null) return 'missing'
    if (next.n !== checkpointHeight(top.n, deps.mutableRange) || next.n === 0) return 'bad'
    spine.push(next)
    top = next
  }
  return { spine, bounded: false }
}

/**
 * The blocks of one segment, lowest first: `top` and the blocks under it by `p`, down to (not
 * including) its checkpoint `top.i`, or down to the first block we hold (the fork point's child
 * is then first). At most top.n − cp(top.n) − 1 fetches.
 */
export async function walkSegment (deps: WalkDeps, top: Block): Promise<Block[] | WalkFailure> {
  const blocks = [top]
  const floor = checkpointHeight(top.n, deps.mutableRange)
  let id = top.p
  for (let n = top.n - 1; ; n--) {
    if (deps.hasBlock(id)) break
    if (n === floor) {
      if (!bytesEqual(id, top.i)) return 'bad'
      break
    }
    const b = await deps.fetch(id)
    if (b === null) return 'missing'
    if (b.n !== n) return 'bad'
    blocks.push(b)
    id = b.p
  }
  return blocks.reverse()
}

/**
 * The segments under the spine blocks, lowest first, each lowest block first. Up to `ahead`
 * segments are walked at once, ahead of the consumer; a failure ends the sequence.
 */
export async function * segmentsUp (deps: WalkDeps, spine: readonly Block[], ahead: number): AsyncGenerator<Block[] | WalkFailure> {
  const started: Array<Promise<Block[] | WalkFailure>> = []
  let next = spine.length - 1 // the lowest spine block's segment first
  const startUpTo = (count: number): void => {
    while (next >= 0 && started.length < count) {
      const walk = walkSegment(deps, spine[next--])
      walk.catch(() => {}) // awaited in order below; a consumer that stops early leaves some unawaited
      started.push(walk)
    }
  }
  startUpTo(ahead)
  while (started.length > 0) {
    const seg = await started.shift()!
    yield seg
    if (typeof seg === 'string') return
    startUpTo(ahead)
  }
}
