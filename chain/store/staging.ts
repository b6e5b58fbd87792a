// Staged items (PROTOCOL §7): blocks and transactions the sync pipeline fetched but has not yet
// validated, kept on disk so a restart does not refetch them. They live under their own prefix and
// are never read as chain data; an import consumes them (StoreWrite.unstage). The count is bounded:
// when full, new items are refused (the caller retries later through its demand channel) rather
// than evicting, because evicting could throw away the one item a pending branch waits for.
import { ChainError } from '../errors.js'
import { HASH_BYTES, MAX_ITEM_BYTES } from '../constants.js'
import { MAX_STAGED_ITEMS } from './constants.js'
import { P_STAGED, STAGED_KINDS, type StagedKind, prefixRange, stagedKey } from './keys.js'
import type { Db } from './db.js'

export class StagingArea {
  /**
   * The staged keys (latin1 of the LevelDB key), at most maxItems: whether an item is staged is
   * asked for every fetched item and nearly always answered "no", and a LevelDB miss per ask was
   * 4% of a sync's main thread. A key is added before its write lands and removed with its delete.
   */
  private readonly keys = new Set<string>()

  constructor (private readonly db: Db, readonly maxItems = MAX_STAGED_ITEMS) {}

  /** Loads what a previous run left staged. */
  async load (): Promise<void> {
    this.keys.clear()
    for await (const k of this.db.keys(prefixRange(P_STAGED))) this.keys.add(keyString(k))
  }

  get size (): number { return this.keys.size }

  has (kind: StagedKind, id: Uint8Array): boolean {
    return this.keys.has(keyString(stagedKey(kind, id)))
  }

  async stage (kind: StagedKind, id: Uint8Array, bytes: Uint8Array): Promise<void> {
    checkItem(id, bytes)
    const key = stagedKey(kind, id)
    const k = keyString(key)
    if (this.keys.has(k)) return
    if (this.keys.size >= this.maxItems) {
      throw new ChainError('STORE_STAGED_FULL', `${this.keys.size} items staged, the limit is ${this.maxItems}`, { limit: this.maxItems })
    }
    this.keys.add(k)
    try {
      await this.db.put(key, bytes)
    } catch (e) {
      this.keys.delete(k)
      throw e
    }
  }

  /**
   * Several items in one LevelDB batch (the sync fetcher's path: one write per fetched item was 9%
   * of a sync's CPU). Items already staged are skipped; once the area is full the rest are
   * refused, not thrown for: the answer is how many were refused. A bad id or an oversized item
   * throws before anything is written, as stage() does.
   */
  async stageMany (items: ReadonlyArray<{ kind: StagedKind, id: Uint8Array, bytes: Uint8Array }>): Promise<number> {
    for (const { id, bytes } of items) checkItem(id, bytes)
    const ops: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }> = []
    const added: string[] = []
    let refused = 0
    for (const { kind, id, bytes } of items) {
      const key = stagedKey(kind, id)
      const k = keyString(key)
      if (this.keys.has(k)) continue
      if (this.keys.size >= this.maxItems) { refused++; continue }
      this.keys.add(k) // reserved before the write, so concurrent calls respect the limit
      added.push(k)
      ops.push({ type: 'put', key, value: bytes })
    }
    if (ops.length === 0) return refused
    try {
      await this.db.batch(ops)
    } catch (e) {
      for (const k of added) this.keys.delete(k)
      throw e
    }
    return refused
  }

  get (kind: StagedKind, id: Uint8Array): Uint8Array | undefined {
    const key = stagedKey(kind, id)
    if (!this.keys.has(keyString(key))) return undefined
    const v = this.db.getSync(key)
    return v === undefined ? undefined : new Uint8Array(v)
  }

  async unstage (kind: StagedKind, id: Uint8Array): Promise<void> {
    const key = stagedKey(kind, id)
    if (!this.keys.delete(keyString(key))) return
    await this.db.del(key)
  }

  /** Called after a commit that removed these staged items in its batch. */
  forget (removed: ReadonlyArray<{ kind: StagedKind, id: Uint8Array }>): void {
    for (const { kind, id } of removed) this.keys.delete(keyString(stagedKey(kind, id)))
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

function keyString (key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')
}

function checkItem (id: Uint8Array, bytes: Uint8Array): void {
  if (id.length !== HASH_BYTES) throw new ChainError('STORE_BAD_ID', `staged id must be ${HASH_BYTES} bytes`)
  if (bytes.length > MAX_ITEM_BYTES) throw new ChainError('STORE_STAGED_TOO_LARGE', `staged item is ${bytes.length} bytes, max ${MAX_ITEM_BYTES}`)
}
