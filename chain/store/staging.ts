// Staged items (PROTOCOL §7): blocks and transactions the sync pipeline fetched but has not yet
// validated, kept on disk so a restart does not refetch them. They live under their own prefix and
// are never read as chain data; an import consumes them (StoreWrite.unstage). The count is bounded:
// when full, new items are refused (the caller retries later through its demand channel) rather
// than evicting, because evicting could throw away the one item a pending branch waits for.
import { ChainError } from '../errors.js'
import { HASH_BYTES, MAX_ITEM_BYTES } from '../constants.js'
import { MAX_STAGED_ITEMS } from './constants.js'
import { P_STAGED, STAGED_KINDS, type StagedKind, prefixRange, stagedKey } from './keys.js'
import type { Db } from './store.js'

export class StagingArea {
  private count = 0

  constructor (private readonly db: Db, readonly maxItems = MAX_STAGED_ITEMS) {}

  /** Counts what a previous run left staged. */
  async load (): Promise<void> {
    let n = 0
    for await (const _ of this.db.keys(prefixRange(P_STAGED))) n++
    this.count = n
  }

  get size (): number { return this.count }

  async stage (kind: StagedKind, id: Uint8Array, bytes: Uint8Array): Promise<void> {
    if (id.length !== HASH_BYTES) throw new ChainError('STORE_BAD_ID', `staged id must be ${HASH_BYTES} bytes`)
    if (bytes.length > MAX_ITEM_BYTES) throw new ChainError('STORE_STAGED_TOO_LARGE', `staged item is ${bytes.length} bytes, max ${MAX_ITEM_BYTES}`)
    const key = stagedKey(kind, id)
    if (this.db.getSync(key) !== undefined) return
    if (this.count >= this.maxItems) {
      throw new ChainError('STORE_STAGED_FULL', `${this.count} items staged, the limit is ${this.maxItems}`, { limit: this.maxItems })
    }
    await this.db.put(key, bytes)
    this.count++
  }

  /**
   * Several items in one LevelDB batch (the sync fetcher's path: one write per fetched item was 9%
   * of a sync's CPU). Items already staged are skipped; once the area is full the rest are
   * refused, not thrown for: the answer is how many were refused. A bad id or an oversized item
   * throws before anything is written, as stage() does.
   */
  async stageMany (items: ReadonlyArray<{ kind: StagedKind, id: Uint8Array, bytes: Uint8Array }>): Promise<number> {
    const ops: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }> = []
    const keys = new Set<string>()
    let refused = 0
    for (const { kind, id, bytes } of items) {
      if (id.length !== HASH_BYTES) throw new ChainError('STORE_BAD_ID', `staged id must be ${HASH_BYTES} bytes`)
      if (bytes.length > MAX_ITEM_BYTES) throw new ChainError('STORE_STAGED_TOO_LARGE', `staged item is ${bytes.length} bytes, max ${MAX_ITEM_BYTES}`)
      const key = stagedKey(kind, id)
      const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')
      if (keys.has(k) || this.db.getSync(key) !== undefined) continue
      if (this.count + ops.length >= this.maxItems) { refused++; continue }
      keys.add(k)
      ops.push({ type: 'put', key, value: bytes })
    }
    if (ops.length === 0) return refused
    this.count += ops.length // reserved before the write, so concurrent calls respect the limit
    try {
      await this.db.batch(ops)
    } catch (e) {
      this.count -= ops.length
      throw e
    }
    return refused
  }

  get (kind: StagedKind, id: Uint8Array): Uint8Array | undefined {
    const v = this.db.getSync(stagedKey(kind, id))
    return v === undefined ? undefined : new Uint8Array(v)
  }

  async unstage (kind: StagedKind, id: Uint8Array): Promise<void> {
    const key = stagedKey(kind, id)
    if (this.db.getSync(key) === undefined) return
    await this.db.del(key)
    this.count--
  }

  /** Called after a commit that removed staged items in its batch. */
  forget (removed: number): void {
    this.count = Math.max(0, this.count - removed)
  }

  /** Every staged item of one kind (at most maxItems), e.g. to resume a sync after a restart. */
  async list (kind: StagedKind): Promise<Array<{ id: Uint8Array, bytes: Uint8Array }>> {
    const code = STAGED_KINDS[kind]
    const out: Array<{ id: Uint8Array, bytes: Uint8Array }> = []
    for await (const [k, v] of this.db.iterator({ gte: Uint8Array.of(P_STAGED, code), lt: Uint8Array.of(P_STAGED, code + 1), limit: this.maxItems })) {
      out.push({ id: new Uint8Array(k.subarray(2)), bytes: new Uint8Array(v) })
    }
    return out
  }
}
