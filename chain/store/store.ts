// ChainStore: blocks, transactions, messages, the main-chain index, the tip state and undo records
// in one LevelDB (classic-level 3, `view` encodings). Reads are synchronous (`getSync`, ~3 µs,
// 10× an awaited get) behind small LRU caches, because validation reads state in tight loops;
// writes go through `commit`, one atomic batch per block or reorg. Opening, checking, reindexing
// and verifying live in their own files (open.ts, check.ts, reindex.ts, verify.ts).
import type { Db, StoreOptions } from './db.js'
import { type Block, blockId, decodeBlock, encodeBlock } from '../block.js'
import type { Genesis } from '../genesis.js'
import { bytesEqual, toHex } from '../hex.js'
import { type Transaction, decodeTx, encodeTx, txId } from '../tx.js'
import { type Account, type StateView, decodeAccount } from '../state/account.js'
import type { UndoRecord } from '../state/undo.js'
import { ACCOUNT_CACHE_ENTRIES, BLOCK_CACHE_ENTRIES, TX_CACHE_ENTRIES, MAX_TX_LOCATIONS } from './constants.js'
import { type StagedKind, accountKey, blockKey, describeKey, heightKey, infoKey, metaKey, txKey, undoKey, txLocRange } from './keys.js'
import { Lru } from './lru.js'
import {
  type BlockInfo, type ConsensusPoint, decodeBlockInfo, decodeConsensusPoint, decodeId, decodeUndo, storeCorrupt
} from './records.js'
import { type StoreWrite, opsOf } from './write.js'
import { StagingArea } from './staging.js'
import { ElementCache, StateDigest } from './digest.js'
import { isLevelCorruption, levelCorrupt } from './levelErrors.js'
import { writeTipMark } from './tipMark.js'
import { MessageStore } from './messages.js'

export class ChainStore implements StateView {
  private writing = 0
  private readonly blocks = new Lru<string, Block>(BLOCK_CACHE_ENTRIES)
  private readonly txs = new Lru<string, Transaction>(TX_CACHE_ENTRIES)
  /** null caches "no such account", the common answer for receivers of first transfers. */
  private readonly accounts = new Lru<string, Account | null>(ACCOUNT_CACHE_ENTRIES)
  private readonly mainIds = new Lru<number, Uint8Array>(BLOCK_CACHE_ENTRIES)
  private tipBlock!: Block
  private cp!: ConsensusPoint
  /** The state digest of the stored accounts (digest.ts); undefined only before open loads it. */
  private stateDigest: StateDigest | undefined
  private readonly digestElements = new ElementCache()

  /** What the open found and did that the operator should hear of (lost blocks, migration, repair). */
  readonly openNotes: string[] = []
  /** Committed blocks the store lost against the tip mark (tipMark.ts), as found at open. */
  lostBlocks: { recordedHeight: number, height: number, lost: number } | undefined

  readonly staging: StagingArea
  readonly messages: MessageStore

  constructor (readonly db: Db, readonly dir: string, readonly genesis: Genesis, readonly options: StoreOptions = {}) {
    this.staging = new StagingArea(db)
    this.messages = new MessageStore(db)
  }

  // ---- meta ------------------------------------------------------------------------------------

  /** Reads tip and consensus point into memory; open() and reindex() call it. */
  loadMeta (): void {
    this.blocks.clear(); this.txs.clear(); this.accounts.clear(); this.mainIds.clear()
    const tipId = this.readRecord(metaKey('tip'), decodeId)
    if (tipId === undefined) throw storeCorrupt('the tip record is missing')
    const tip = this.getBlock(tipId)
    if (tip === undefined) throw storeCorrupt(`the tip block ${toHex(tipId)} is missing`)
    this.tipBlock = tip
    const cp = this.readRecord(metaKey('cp'), decodeConsensusPoint)
    if (cp === undefined) throw storeCorrupt('the consensus point record is missing')
    this.cp = cp
  }

  get tip (): Block { return this.tipBlock }
  get tipId (): Uint8Array { return blockId(this.tipBlock) }
  get consensusPoint (): ConsensusPoint { return this.cp }

  // ---- reads -----------------------------------------------------------------------------------

  /** A raw value, or undefined. LevelDB's corruption report becomes STORE_CORRUPT naming the repair. */
  raw (key: Uint8Array): Uint8Array | undefined {
    try {
      return this.db.getSync(key) ?? undefined
    } catch (e) {
      // (The key is described only on failure: this is the hot read path.)
      if (isLevelCorruption(e)) throw levelCorrupt(e, `reading ${describeKey(key)}`)
      throw e
    }
  }

  /** The digest of the stored state as last committed. */
  get digest (): StateDigest {
    if (this.stateDigest === undefined) throw storeCorrupt('the state digest is not loaded')
    return this.stateDigest
  }

  /** Sets the digest kept in memory (open, migration and reindex; commits update it themselves). */
  setDigest (d: StateDigest): void { this.stateDigest = d }

  /** Reads and decodes one record; a record that does not decode is corruption, reported by key. */
  readRecord<T> (key: Uint8Array, decode: (b: Uint8Array) => T): T | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    try {
      return decode(v)
    } catch (e) {
      throw storeCorrupt(`record ${describeKey(key)} does not decode (${(e as Error).message})`, { key: toHex(key) })
    }
  }

  getBlock (id: Uint8Array): Block | undefined {
    const h = toHex(id)
    let b = this.blocks.get(h)
    if (b === undefined) {
      b = this.readRecord(blockKey(id), decodeBlock)
      if (b === undefined) {
        // Every stored block has an info record written in the same batch: info without the block
        // means the block record was lost, which must not be answered as "unknown block".
        if (this.raw(infoKey(id)) !== undefined) throw storeCorrupt(`block ${h} is missing but its block info record is present`, { id: h })
        return undefined
      }
      if (!bytesEqual(blockId(b), id)) throw storeCorrupt(`block record ${h} holds another block`, { id: h })
      this.blocks.set(h, b)
    }
    return b
  }

  hasBlock (id: Uint8Array): boolean {
    return this.blocks.has(toHex(id)) || this.raw(blockKey(id)) !== undefined
  }

  getBlockInfo (id: Uint8Array): BlockInfo | undefined {
    return this.readRecord(infoKey(id), decodeBlockInfo)
  }

  getTx (id: Uint8Array): Transaction | undefined {
    const h = toHex(id)
    let tx = this.txs.get(h)
    if (tx === undefined) {
      tx = this.readRecord(txKey(id), decodeTx)
      if (tx === undefined) return undefined
      this.txs.set(h, tx)
    }
    return tx
  }

  /**
   * The canonical bytes of a stored block or transaction, without decoding it: what a peer's
   * direct get is answered with (decoding and caching every served item cost the serving node a
   * third of its time during a peer's sync). The asker checks the bytes against the id.
   */
  itemBytes (id: Uint8Array): Uint8Array | undefined {
    const h = toHex(id)
    const b = this.blocks.get(h)
    if (b !== undefined) return encodeBlock(b)
    const t = this.txs.get(h)
    if (t !== undefined) return encodeTx(t)
    return this.raw(blockKey(id)) ?? this.raw(txKey(id))
  }

  /** The transactions a stored block names, in order; a missing one is corruption. */
  blockTxs (block: Block): Transaction[] {
    return block.x.map(id => {
      const tx = this.getTx(id)
      if (tx === undefined) throw storeCorrupt(`transaction ${toHex(id)} of block ${toHex(blockId(block))} is missing`)
      return tx
    })
  }

  /** Id of the main-chain block at height n. */
  mainIdAt (n: number): Uint8Array | undefined {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.tipBlock.n) return undefined
    let id = this.mainIds.get(n)
    if (id === undefined) {
      id = this.readRecord(heightKey(n), decodeId)
      if (id === undefined) throw storeCorrupt(`main-chain height ${n} is missing below the tip`)
      this.mainIds.set(n, id)
    }
    return id
  }

  mainBlockAt (n: number): Block | undefined {
    const id = this.mainIdAt(n)
    if (id === undefined) return undefined
    const b = this.getBlock(id)
    if (b === undefined) throw storeCorrupt(`main-chain block ${toHex(id)} at height ${n} is missing`)
    return b
  }

  isMain (block: Block): boolean {
    const id = this.mainIdAt(block.n)
    return id !== undefined && bytesEqual(id, blockId(block))
  }

  /** Tip state (StateView). */
  getAccount (key: Uint8Array): Account | undefined {
    const h = toHex(key)
    const c = this.accounts.get(h)
    if (c !== undefined) return c === null ? undefined : c
    const a = this.readRecord(accountKey(key), decodeAccount)
    this.accounts.set(h, a ?? null)
    return a
  }

  getUndo (id: Uint8Array): UndoRecord | undefined {
    return this.readRecord(undoKey(id), decodeUndo)
  }

  /**
   * Empties the in-memory caches (they refill from LevelDB on the next reads). For after a long sync,
   * whose imports filled them with entries the running node mostly never reads again: 8,000 blocks
   * left a live heap of 45 MB against 27 MB after 500. Refused (false) while a commit is between its
   * batch and its cache update, when the caches and LevelDB differ.
   */
  dropCaches (): { dropped: number } | false {
    if (this.writing > 0) return false
    const dropped = this.blocks.size + this.txs.size + this.accounts.size + this.mainIds.size + this.digestElements.size
    this.blocks.clear(); this.txs.clear(); this.accounts.clear(); this.mainIds.clear(); this.digestElements.clear()
    return { dropped }
  }

  // ---- the one write path ----------------------------------------------------------------------

  /** Writes everything in `w` as one atomic batch, then updates the caches (never before). */
  /** A commit is between its LevelDB batch and its in-memory update: views built now would mix the two. */
  get busy (): boolean { return this.writing > 0 }

  async commit (w: StoreWrite): Promise<void> {
    if (this.staging.size > 0) w = { ...w, unstage: [...(w.unstage ?? []), ...this.stagedCopiesOf(w)] }
    const ops = opsOf(w, Math.floor(Date.now() / 1000), this)
    const digest = w.accounts === undefined || w.accounts.length === 0 ? undefined : this.nextDigest(w.accounts)
    if (digest !== undefined) ops.push({ type: 'put', key: metaKey('digest'), value: digest.encode() })
    // LevelDB holds the batch before this await returns, while the in-memory index and tip below still
    // show the old chain: readers outside the chain's queue must not build views in that window (busy).
    this.writing++
    try {
      await this.db.batch(ops, { sync: this.options.sync === true })
    } finally {
      this.writing--
    }
    if (digest !== undefined) this.stateDigest = digest
    if (w.unstage !== undefined) this.staging.forget(w.unstage)
    for (const { block, txs } of w.blocks ?? []) {
      this.blocks.set(toHex(blockId(block)), block)
      for (const tx of txs) this.txs.set(toHex(txId(tx)), tx)
    }
    for (const n of w.unmain ?? []) this.mainIds.delete(n)
    for (const m of w.main ?? []) this.mainIds.set(m.n, m.id)
    for (const a of w.accounts ?? []) this.accounts.set(toHex(a.key), a.account === undefined ? null : { ...a.account })
    if (w.tip !== undefined) this.tipBlock = w.tip
    if (w.consensusPoint !== undefined) this.cp = w.consensusPoint
    if (w.tip !== undefined) writeTipMark(this.dir, w.tip.n, blockId(w.tip))
  }

  /**
   * The digest after a write: each changed account's stored (old) record removed and its new one
   * added. Called before the batch, so the stored value is still the old one; a key listed twice
   * counts once, with its last value (the one the batch leaves).
   */
  private nextDigest (changes: NonNullable<StoreWrite['accounts']>): StateDigest {
    const last = new Map<string, { key: Uint8Array, account: Account | undefined }>()
    for (const c of changes) last.set(toHex(c.key), c)
    const d = this.digest.clone()
    for (const { key, account } of last.values()) {
      const old = this.getAccount(key)
      if (old !== undefined) d.remove(key, old, this.digestElements)
      if (account !== undefined) d.add(key, account, this.digestElements)
    }
    return d
  }

  // ---- indexes -------------------------------------------------------------------------------

  /** The main-chain block holding transaction `id` ('L' index; side blocks are skipped). */
  async txLocation (id: Uint8Array): Promise<{ id: Uint8Array, n: number } | undefined> {
    const keys = await this.db.keys({ ...txLocRange(id), limit: MAX_TX_LOCATIONS }).all()
    for (const k of keys) {
      const b = this.getBlock(k.subarray(33))
      if (b !== undefined && this.isMain(b)) return { id: Uint8Array.from(k.subarray(33)), n: b.n }
    }
    return undefined
  }

  /** Staged copies of the blocks and transactions a write stores: imported, so no longer staged. */
  private stagedCopiesOf (w: StoreWrite): Array<{ kind: StagedKind, id: Uint8Array }> {
    const out: Array<{ kind: StagedKind, id: Uint8Array }> = []
    for (const { block, txs } of w.blocks ?? []) {
      const id = blockId(block)
      if (this.staging.has('block', id)) out.push({ kind: 'block', id })
      for (const tx of txs) if (this.staging.has('tx', txId(tx))) out.push({ kind: 'tx', id: txId(tx) })
    }
    return out
  }

  async close (): Promise<void> {
    if (this.db.status === 'open' || this.db.status === 'opening') await this.db.close()
  }
}
