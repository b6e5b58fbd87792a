// Blocks whose parent is unknown (PROTOCOL §5: pending, not invalid), keyed by the missing parent
// so the parent's arrival finds its children at once. Bounded by MAX_PENDING_BLOCKS; the oldest
// entry goes first, since a block whose parent never came is the least likely to be needed.
import type { Block } from '../block.js'
import { blockId } from '../block.js'
import { toHex } from '../hex.js'
import type { Transaction } from '../tx.js'
import { MAX_PENDING_BLOCKS } from './constants.js'

export interface PendingBlock { block: Block, id: Uint8Array, txs: Transaction[] }

export class PendingBlocks {
  /** parent hex → child hex → entry */
  private readonly byParent = new Map<string, Map<string, PendingBlock>>()
  /** child hex → parent hex, in insertion order (for eviction) */
  private readonly order = new Map<string, string>()

  constructor (readonly maxBlocks = MAX_PENDING_BLOCKS) {}

  get size (): number { return this.order.size }

  has (id: Uint8Array): boolean { return this.order.has(toHex(id)) }

  add (block: Block, txs: Transaction[]): void {
    const id = blockId(block)
    const h = toHex(id)
    if (this.order.has(h)) return
    const p = toHex(block.p)
    let kids = this.byParent.get(p)
    if (kids === undefined) this.byParent.set(p, kids = new Map())
    kids.set(h, { block, id, txs })
    this.order.set(h, p)
    while (this.order.size > this.maxBlocks) this.remove(this.order.keys().next().value as string)
  }

  /** Removes and returns the children waiting for `parentId`. */
  take (parentId: Uint8Array): PendingBlock[] {
    const kids = this.byParent.get(toHex(parentId))
    if (kids === undefined) return []
    this.byParent.delete(toHex(parentId))
    for (const h of kids.keys()) this.order.delete(h)
    return [...kids.values()]
  }

  /** Drops a block and everything pending below it (e.g. it turned out invalid). */
  dropWithDescendants (id: Uint8Array): number {
    let dropped = 0
    const stack = [id]
    while (stack.length > 0) {
      for (const kid of this.take(stack.pop()!)) { dropped++; stack.push(kid.id) }
    }
    return dropped
  }

  private remove (h: string): void {
    const p = this.order.get(h)
    if (p === undefined) return
    this.order.delete(h)
    const kids = this.byParent.get(p)
    kids?.delete(h)
    if (kids?.size === 0) this.byParent.delete(p)
  }
}
