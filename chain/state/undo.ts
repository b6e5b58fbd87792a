// Undo records (PROTOCOL §5): for every account a block changed, its value before the block, or
// "absent" when the block created it. Rolling a block back writes those values back exactly, so
// a reorg never needs to replay from genesis.
import type { Account, StateView } from './account.js'
import type { StateOverlay } from './overlay.js'
import { toHex } from '../hex.js'

export interface UndoEntry {
  key: Uint8Array
  /** The account before the block; undefined: it did not exist. */
  prior: Account | undefined
}

export type UndoRecord = UndoEntry[]

/**
 * The undo record of a block whose transition is `overlay` over `base` (the parent's state).
 * Entries are sorted by key so the encoding of a block's undo record is deterministic.
 */
export function undoOf (overlay: StateOverlay, base: StateView): UndoRecord {
  const out: UndoRecord = []
  for (const hex of [...overlay.changes.keys()].sort()) {
    const c = overlay.changes.get(hex)!
    const prior = base.getAccount(c.key)
    out.push({ key: c.key, prior: prior === undefined ? undefined : { ...prior } })
  }
  return out
}

/**
 * The state at an older main-chain block, seen through the tip state: undo records applied from
 * the tip downwards. Nothing is written; the chain uses this to validate a fork against the
 * fork point's state before it decides to commit anything.
 */
export class RollbackView implements StateView {
  /** hex key → value at the rollback target (undefined = absent). */
  readonly restored = new Map<string, { key: Uint8Array, account: Account | undefined }>()
  /** How many blocks have been rolled back. */
  depth = 0

  constructor (readonly base: StateView) {}

  /** Undoes one more block: call for the tip first, then its parent, and so on. */
  undo (record: UndoRecord): void {
    // Walking downwards, an older block's prior value overwrites a newer one's: the oldest wins.
    for (const e of record) this.restored.set(toHex(e.key), { key: e.key, account: e.prior })
    this.depth++
  }

  getAccount (key: Uint8Array): Account | undefined {
    const r = this.restored.get(toHex(key))
    return r !== undefined ? r.account : this.base.getAccount(key)
  }
}

/** Applies an overlay's changes to a mutable map-backed state (used by replays and flattening). */
export function mergeInto (target: StateOverlay, overlay: StateOverlay): void {
  for (const c of overlay.changes.values()) target.setAccount(c.key, c.account)
}
