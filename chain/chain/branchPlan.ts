// A branch being validated in memory before anything is written: the main chain rolled back to the
// fork point through undo records (RollbackView), then the branch's blocks applied on top, each
// against exactly its parent's state. Only when the whole plan is decided does the chain turn it
// into one StoreWrite, so a reorg is atomic: the store holds the old chain or the new one.
import { type Block, blockId } from '../block.js'
import type { Genesis } from '../genesis.js'
import { toHex } from '../hex.js'
import type { Transaction } from '../tx.js'
import { checkpointHeight } from '../consensus/pot.js'
import { type BlockContext, validateBlock } from '../consensus/validateBlock.js'
import { StateOverlay } from '../state/overlay.js'
import { applyBlockTxs } from '../state/transition.js'
import { RollbackView, type UndoRecord, mergeInto, undoOf } from '../state/undo.js'
import type { ChainStore } from '../store/store.js'
import { storeCorrupt } from '../store/records.js'
import type { StoreWrite } from '../store/write.js'

export interface AppliedBlock { block: Block, id: Uint8Array, txs: Transaction[], undo: UndoRecord, isNew: boolean }

export class BranchPlan {
  readonly rollback: RollbackView
  /** Main-chain blocks above the fork point, highest first. */
  readonly removed: Block[] = []
  /** State after the last applied block (flat: one overlay, however long the branch). */
  readonly state: StateOverlay
  readonly applied: AppliedBlock[] = []
  private readonly genesis: Genesis

  constructor (readonly store: ChainStore, readonly forkPoint: Block) {
    this.genesis = store.genesis
    this.rollback = new RollbackView(store)
    for (let h = store.tip.n; h > forkPoint.n; h--) {
      const b = store.mainBlockAt(h)!
      const undo = store.getUndo(blockId(b))
      if (undo === undefined) throw storeCorrupt(`the undo record of main-chain block ${toHex(blockId(b))} is missing`)
      this.rollback.undo(undo)
      this.removed.push(b)
    }
    this.state = new StateOverlay(this.rollback)
  }

  get tip (): Block { return this.applied.at(-1)?.block ?? this.forkPoint }
  get depth (): number { return this.removed.length }

  /** The block at height h on this branch. */
  blockAt (h: number): Block | undefined {
    return h <= this.forkPoint.n ? this.store.mainBlockAt(h) : this.applied[h - this.forkPoint.n - 1]?.block
  }

  /** Context for a child of the branch's current tip. */
  context (now: number): BlockContext {
    const parent = this.tip
    const cp = this.blockAt(checkpointHeight(parent.n + 1, this.genesis.config.mutableRange))!
    return {
      genesis: this.genesis, parent, ancestor3: parent.n >= 3 ? this.blockAt(parent.n - 3) : undefined,
      checkpointId: blockId(cp), parentState: this.state, now
    }
  }

  /** A stored block, validated when it was stored: only its transactions are re-applied. */
  replay (block: Block, txs: Transaction[]): void {
    this.push(block, txs, applyBlockTxs(this.state, block.m, txs, this.genesis.config.blockReward).overlay, false)
  }

  /** A new block: every §5 check against this branch's state, then apply. Throws its ChainError. */
  validate (block: Block, txs: Transaction[], now: number): void {
    this.push(block, txs, validateBlock(block, txs, this.context(now)).overlay, true)
  }

  private push (block: Block, txs: Transaction[], overlay: StateOverlay, isNew: boolean): void {
    const undo = undoOf(overlay, this.state) // prior values: read before the merge
    mergeInto(this.state, overlay)
    this.applied.push({ block, id: blockId(block), txs, undo, isNew })
  }

  /** Only the new blocks, stored as a side branch. */
  storeWrite (): StoreWrite {
    return { blocks: this.applied.filter(a => a.isNew).map(a => ({ block: a.block, txs: a.txs })) }
  }

  /** Everything that makes this branch the main chain, as one write. */
  switchWrite (): StoreWrite {
    const oldTipN = this.store.tip.n
    const newTip = this.tip
    const unmain: number[] = []
    for (let h = newTip.n + 1; h <= oldTipN; h++) unmain.push(h)
    const keys = new Map<string, Uint8Array>()
    for (const [h, r] of this.rollback.restored) keys.set(h, r.key)
    for (const [h, c] of this.state.changes) keys.set(h, c.key)
    return {
      ...this.storeWrite(),
      main: this.applied.map(a => ({ n: a.block.n, id: a.id })),
      unmain,
      undo: this.applied.map(a => ({ id: a.id, record: a.undo })),
      undoDel: this.removed.map(blockId),
      accounts: [...keys.values()].map(key => ({ key, account: this.state.getAccount(key) })),
      tip: newTip
    }
  }

  /** Transactions of rolled-back blocks that the branch does not carry, in their old chain order. */
  returnedTxs (): Transaction[] {
    const kept = new Set<string>()
    for (const a of this.applied) for (const id of a.block.x) kept.add(toHex(id))
    const out: Transaction[] = []
    for (const b of [...this.removed].reverse()) {
      const txs = this.store.blockTxs(b)
      b.x.forEach((id, i) => { if (!kept.has(toHex(id))) out.push(txs[i]) })
    }
    return out
  }
}
