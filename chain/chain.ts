// The Chain: the node's one entry point to the ledger. It imports blocks and branches through a
// serial queue (so imports never interleave), keeps the main chain by cumulative difficulty with
// the mutable / voting / warning ranges of PROTOCOL §6, reorganises atomically, holds the
// consensus point, and emits `tip`, `reorg`, `warning` and `consensusPoint`. The steps live in
// chain/chain/*.ts; this class only wires them to a store.
import { EventEmitter } from 'node:events'
import type { Block } from './block.js'
import type { BlockContext } from './consensus/validateBlock.js'
import type { Genesis } from './genesis.js'
import { toHex } from './hex.js'
import type { Transaction } from './tx.js'
import type { StateView } from './state/account.js'
import type { ChainStore } from './store/store.js'
import type { MessageStore } from './store/messages.js'
import type { StagingArea } from './store/staging.js'
import { accountTxPage } from './store/accountIndex.js'
import type { StoreOptions } from './store/db.js'
import { openStore } from './store/open.js'
import { ancestors, locator } from './chain/ancestry.js'
import { applyPointNow, forgetPending } from './chain/consensusPoint.js'
import { contextFor, stateAt } from './chain/context.js'
import { type ChainCore, createCore, tipInfo } from './chain/core.js'
import { importWithPending } from './chain/importBlock.js'
import { SerialQueue } from './chain/queue.js'
import type { ChainEvents, ChainStatus, ImportResult, PendingPoint, PointMode, TipInfo, VoteResult } from './chain/types.js'

export type * from './chain/types.js'
/** The store layout this code writes (a backup names it; chain/store/migrate.ts moves older ones up). */
export { STORE_SCHEMA_VERSION } from './store/constants.js'

export interface ChainOptions {
  /** Unix seconds (tests pin it). */
  now?: () => number
  store?: StoreOptions
}

export class Chain extends EventEmitter<ChainEvents> {
  private readonly core: ChainCore
  private readonly queue = new SerialQueue()

  static async open (dir: string, genesis: Genesis, options: ChainOptions = {}): Promise<Chain> {
    return new Chain(await openStore(dir, genesis, options.store), options)
  }

  constructor (readonly store: ChainStore, options: ChainOptions = {}) {
    super()
    const now = options.now ?? (() => Math.floor(Date.now() / 1000))
    this.core = createCore(store, now, (event, ...args) => {
      // A throwing listener must not break an import half-way through its bookkeeping: rethrow later.
      try { (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args) } catch (e) { queueMicrotask(() => { throw e }) }
    })
  }

  get genesis (): Genesis { return this.store.genesis }

  // ---- reads (synchronous) ---------------------------------------------------------------------

  tip (): TipInfo { return tipInfo(this.store.tip) }
  /** Account state at the tip (live). */
  get state (): StateView { return this.store }
  getBlock (id: Uint8Array): Block | undefined { return this.store.getBlock(id) }
  /** Main-chain block at a height. */
  getBlockAt (n: number): Block | undefined { return this.store.mainBlockAt(n) }
  getTx (id: Uint8Array): Transaction | undefined { return this.store.getTx(id) }
  /** Stored and valid (main or side). */
  hasBlock (id: Uint8Array): boolean { return this.store.hasBlock(id) }
  isMain (id: Uint8Array): boolean {
    const b = this.store.getBlock(id)
    return b !== undefined && this.store.isMain(b)
  }

  /** Known invalid (memory only, bounded), with the reason. */
  invalidReason (id: Uint8Array): string | undefined { return this.core.invalid.get(toHex(id))?.code }
  isPending (id: Uint8Array): boolean { return this.core.pending.has(id) }
  consensusPoint (): { id: Uint8Array, n: number } { return this.store.consensusPoint }
  /**
   * State after block `id`; undefined when the block is unknown, or while a commit is being written
   * (the view would mix the old chain and the new: ask again, or read inside `atRest`).
   */
  stateAt (id: Uint8Array): StateView | undefined { return this.store.busy ? undefined : stateAt(this.store, id) }
  /** Context for validating or mining a child of `parentId` at time `now` (unix seconds); undefined as stateAt. */
  blockContextFor (parentId: Uint8Array, now = this.core.now()): BlockContext | undefined {
    return this.store.busy ? undefined : contextFor(this.store, parentId, now)
  }

  /**
   * Every record of the store as one consistent snapshot (a LevelDB iterator reads an implicit snapshot
   * taken when it is made; every commit is one batch), in chunks: what a backup streams.
   */
  async * snapshot (chunkRecords: number): AsyncGenerator<Array<[Uint8Array, Uint8Array]>> {
    const it = this.store.db.iterator({ keyEncoding: 'view', valueEncoding: 'view' })
    try {
      for (;;) {
        const chunk = await it.nextv(chunkRecords)
        if (chunk.length === 0) return
        yield chunk as Array<[Uint8Array, Uint8Array]>
      }
    } finally {
      await it.close().catch(() => {})
    }
  }

  /** Marks a node that starts on an empty chain as new until a voting round decides (core.ts newNode). */
  startAsNewNode (): void { if (this.store.tip.n === 0) this.core.newNode = true }
  isNewNode (): boolean { return this.core.newNode }
  /** A round decided (or the node gave up waiting for one): from now on the ranges protect its chain. */
  settleNewNode (): void { this.core.newNode = false }

  /** Runs `read` between imports (in the chain's queue), so no commit is half-applied while it reads. */
  atRest<T> (read: () => T): Promise<T> {
    return this.queue.run(async () => read())
  }

  /** Chosen consensus points not held yet (the operator's first). */
  pendingPoints (): PendingPoint[] {
    return [this.core.trustedPoint, this.core.votedPoint].filter((p): p is PendingPoint => p !== undefined)
  }

  /** Id of the main-chain block at height n (undefined above the tip). */
  mainIdAt (n: number): Uint8Array | undefined { return this.store.mainIdAt(n) }
  /** The transactions a stored block names, in order. */
  blockTxs (block: Block): Transaction[] { return this.store.blockTxs(block) }
  /** The main-chain block holding transaction `id`, from the store's index. */
  txLocation (id: Uint8Array): Promise<{ id: Uint8Array, n: number } | undefined> { return this.store.txLocation(id) }
  /** Canonical bytes of a stored block or transaction (what a peer's direct get is answered with). */
  itemBytes (id: Uint8Array): Uint8Array | undefined { return this.store.itemBytes(id) }
  /** A page of an account's main-chain transactions, newest first, below `before` (accountIndex.ts). */
  accountTxs (account: Uint8Array, before: { n: number, pos: number } | undefined, limit: number): Promise<Array<{ n: number, pos: number, txId: Uint8Array }>> {
    return accountTxPage(this.store.db, account, before, limit)
  }

  /** What opening the store found or repaired, for the operator (docs/store.md). */
  get openNotes (): readonly string[] { return this.store.openNotes }
  /** Off-chain messages by id (the store's message records). */
  get messages (): MessageStore { return this.store.messages }
  /** Fetched blocks and transactions not yet validated (the store's staging area). */
  get staging (): StagingArea { return this.store.staging }

  locator (): Uint8Array[] { return locator(this.store) }
  ancestors (id: Uint8Array, max: number): Block[] { return ancestors(this.store, id, max) }

  status (): ChainStatus {
    return {
      tip: this.tip(), consensusPoint: this.consensusPoint(), voteCandidates: this.core.candidates.all(), pendingPoints: this.pendingPoints(),
      warnings: this.core.warnings.all(), pendingBlocks: this.core.pending.size, stagedItems: this.store.staging.size
    }
  }

  // ---- imports (serialised) --------------------------------------------------------------------

  /** One block with its transactions in `x` order. */
  importBlock (block: Block, txs: Transaction[]): Promise<ImportResult> {
    return this.queue.run(() => importWithPending(this.core, [block], b => (b === block ? txs : undefined)))
  }

  /**
   * Linked blocks, lowest first (as sync fetched them), with their transactions by hex id;
   * transactions already stored need not be given. Validated as one branch, committed once.
   */
  importBranch (blocks: Block[], txsById: ReadonlyMap<string, Transaction>): Promise<ImportResult> {
    const txsFor = (b: Block): Transaction[] | undefined => {
      const txs = b.x.map(id => txsById.get(toHex(id)) ?? this.store.getTx(id))
      return txs.every(t => t !== undefined) ? txs as Transaction[] : undefined
    }
    return this.queue.run(() => importWithPending(this.core, blocks, txsFor))
  }

  /**
   * A voting round's decision (PROTOCOL §6): `vote-empty` when the round began on an empty chain.
   * See chain/chain/consensusPoint.ts for what each result means.
   */
  applyVote (pointId: Uint8Array, mode: 'vote' | 'vote-empty' = 'vote'): Promise<VoteResult> {
    return this.queue.run(() => applyPointNow(this.core, pointId, mode))
  }

  /**
   * The operator's trusted checkpoint: it becomes the consensus point once its chain is held and
   * valid, whatever the votes, the ranges or the current consensus point say.
   */
  setTrustedCheckpoint (pointId: Uint8Array): Promise<VoteResult> {
    return this.queue.run(() => applyPointNow(this.core, pointId, 'trusted' satisfies PointMode))
  }

  /** Gives up a pending point (a vote whose chain could not be had in time). */
  forgetPendingPoint (pointId: Uint8Array): Promise<void> {
    return this.queue.run(async () => { forgetPending(this.core, pointId) })
  }

  /**
   * Empties the store's read caches (they refill from LevelDB up to their caps): after a long sync
   * they hold the sync's own entries. False while a commit is half-written.
   */
  dropCaches (): { dropped: number } | false { return this.store.dropCaches() }

  /** Waits for queued imports, then closes the store. */
  async close (): Promise<void> {
    await this.queue.close()
    await this.store.close()
  }
}
