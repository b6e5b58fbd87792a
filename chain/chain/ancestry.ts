// Walking the block tree: fork points, ancestors at a height, locators. Main-chain blocks are found
// through the height index in O(1); side blocks by following `p` back to the main chain.
import { type Block, blockId } from '../block.js'
import { toHex } from '../hex.js'
import type { ChainStore } from '../store/store.js'
import { storeCorrupt } from '../store/records.js'
import { MAX_LOCATOR_IDS } from './constants.js'

export interface BranchPosition {
  /** The nearest ancestor of the block (or the block itself) on the main chain. */
  forkPoint: Block
  /** Side blocks after the fork point up to and including the block, lowest first (empty on main). */
  path: Block[]
}

export function branchToMain (store: ChainStore, block: Block): BranchPosition {
  const path: Block[] = []
  let cur = block
  while (!store.isMain(cur)) {
    path.push(cur)
    const parent = store.getBlock(cur.p)
    // Blocks are only stored once their parent is, so a gap here is damage, not a normal state.
    if (parent === undefined) throw storeCorrupt(`stored block ${toHex(blockId(cur))} has no stored parent`)
    cur = parent
  }
  return { forkPoint: cur, path: path.reverse() }
}

/** The block at height `h` on `from`'s chain (h ≤ from.n). */
export function ancestorAt (store: ChainStore, from: Block, h: number): Block | undefined {
  if (h < 0 || h > from.n) return undefined
  let cur: Block | undefined = from
  while (cur !== undefined && cur.n > h && !store.isMain(cur)) cur = store.getBlock(cur.p)
  if (cur === undefined) return undefined
  return cur.n === h ? cur : store.mainBlockAt(h)
}

/** Up to `max` blocks walking back from `id` (itself first). */
export function ancestors (store: ChainStore, id: Uint8Array, max: number): Block[] {
  const out: Block[] = []
  let cur = store.getBlock(id)
  while (cur !== undefined && out.length < max) {
    out.push(cur)
    if (cur.n === 0) break
    cur = store.getBlock(cur.p)
  }
  return out
}

/**
 * Main-chain ids for a peer to find our fork point fast (Bitcoin-style): the ten newest, then
 * ever doubling steps back, and always genesis last.
 */
export function locator (store: ChainStore): Uint8Array[] {
  const out: Uint8Array[] = []
  let step = 1
  for (let h = store.tip.n; h > 0 && out.length < MAX_LOCATOR_IDS - 1; h -= step) {
    out.push(store.mainIdAt(h)!)
    if (out.length >= 10) step *= 2
  }
  out.push(store.genesis.blockId)
  return out
}
