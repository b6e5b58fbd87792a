// Item fetches: local store first, then the DHT (direct to the peer's endpoint when we know it,
// else recursive). Every answer is decoded strictly; bytes that fail to decode or answer another
// id cost the peer penalty points. A miss goes into the demand set. Each DHT answer (fresh, or
// staged from an earlier fetch) is emitted as the signal its purpose names, to the pipeline that
// acts on it (node/signals.ts SIGNAL_ROUTES); what the chain holds already is no signal;
// the caller's promise resolves with the same item. Gets of the same id under way at once share
// one DHT get (a candidate's transactions are asked for by mining and by sync).
import { type Block, decodeBlock } from '../chain/block.js'
import { type Transaction, decodeTx } from '../chain/tx.js'
import { type Message, decodeMessage } from '../chain/message.js'
import { isChainError } from '../chain/errors.js'
import { toHex } from '../chain/hex.js'
import type { Chain } from '../chain/chain.js'
import type { Getter } from '../dht/index.js'
import type { DemandKind, DemandSet } from './demand.js'
import type { PeerSet } from './peers.js'
import type { Emit, SignalRouter } from './router.js'
import { PENALTY_INVALID_DATA } from './constants.js'
import type { Logger } from './logger.js'

export type BlockPurpose = 'GET_HISTORY_BLOCK_FOR_SYNC' | 'GET_HISTORY_BLOCK_FOR_MINING' | 'GET_HISTORY_BLOCK_FOR_VOTING'
export type TxPurpose = 'GET_HISTORY_TX_FOR_SYNC' | 'GET_HISTORY_BLOCK_TX_FOR_MINING' | 'GET_TX_FOR_MINING'

export interface FetchDeps {
  chain: Chain
  getter: Getter
  peers: PeerSet
  demand: DemandSet
  router: SignalRouter
  log: Logger
  signal: AbortSignal
}

/** The signal's peer when an item came from no particular peer (e.g. a recursive lookup for the API). */
const NO_PEER = new Uint8Array(32)

/** Fetched items written to the staging area in one batch at most this many at a time. */
const STAGE_BATCH_ITEMS = 256

type FetchSignal = BlockPurpose | TxPurpose | 'GET_MSG_FROM_PEER'

export class Fetcher {
  private toStage: Array<{ kind: 'block' | 'tx', id: Uint8Array, bytes: Uint8Array }> = []
  private stageScheduled = false
  /** DHT gets under way, by hex id: a second fetch of the same id waits for the first. */
  private readonly inFlight = new Map<string, Promise<{ bytes: Uint8Array | null, from: Uint8Array | undefined }>>()
  private readonly emit: Emit<FetchSignal>

  constructor (private readonly d: FetchDeps) {
    this.emit = d.router.producer('fetcher', 'GET_HISTORY_BLOCK_FOR_SYNC', 'GET_HISTORY_BLOCK_FOR_MINING', 'GET_HISTORY_BLOCK_FOR_VOTING',
      'GET_HISTORY_TX_FOR_SYNC', 'GET_HISTORY_BLOCK_TX_FOR_MINING', 'GET_TX_FOR_MINING', 'GET_MSG_FROM_PEER')
  }

  /** One DHT get per id at a time; the others under way wait for its answer (`from`: the peer it was asked of). */
  private shared (id: Uint8Array, peer: Uint8Array | undefined): Promise<{ bytes: Uint8Array | null, from: Uint8Array | undefined }> {
    const k = toHex(id)
    const running = this.inFlight.get(k)
    if (running !== undefined) return running
    const p = this.raw(id, peer).then(bytes => ({ bytes, from: peer })).finally(() => { this.inFlight.delete(k) })
    this.inFlight.set(k, p)
    return p
  }

  /**
   * Every caller has looked in its kind's store (and staging area) first, and an id of one kind is
   * never valid as another, so the DHT's look into the node's store is skipped (storeChecked).
   */
  private async raw (id: Uint8Array, peer: Uint8Array | undefined): Promise<Uint8Array | null> {
    if (this.d.signal.aborted) return null
    const endpoint = peer !== undefined ? this.d.peers.get(peer)?.endpoint : undefined
    try {
      const item = await this.d.getter.getImmutable(id, { endpoint, signal: this.d.signal, storeChecked: true })
      return item?.value ?? null
    } catch (e) {
      this.d.log.debug('fetch failed', { id: toHex(id), err: (e as Error).message })
      return null
    }
  }

  private bad (peer: Uint8Array | undefined, id: Uint8Array, e: unknown): null {
    if (!isChainError(e)) throw e
    this.d.log.warn('peer served undecodable data', { id: toHex(id), code: e.code, peer: peer && toHex(peer) })
    if (peer !== undefined) this.d.peers.penalise(peer, PENALTY_INVALID_DATA)
    return null
  }

  /**
   * The remote half of every fetch: DHT get, strict decode (undecodable bytes penalise the peer),
   * demand bookkeeping, staging, and the signal that reports the answer.
   */
  private async remote<T> (id: Uint8Array, peer: Uint8Array | undefined, kind: DemandKind,
    decode: (b: Uint8Array) => T, done: (item: T, bytes: Uint8Array, from: Uint8Array | undefined) => void): Promise<T | null> {
    const { bytes, from } = await this.shared(id, peer)
    if (bytes === null) { this.d.demand.add(kind, id); return null }
    let item: T
    // Bad bytes are the fault of the peer they were asked of, not of a caller that shared the get.
    try { item = decode(bytes) } catch (e) { return this.bad(from, id, e) }
    this.d.demand.satisfied(kind, id)
    done(item, bytes, from)
    return item
  }

  async block (id: Uint8Array, purpose: BlockPurpose, peer?: Uint8Array): Promise<Block | null> {
    const stored = this.d.chain.getBlock(id)
    if (stored !== undefined) return stored
    // A staged block is an earlier DHT answer (fetched for another purpose, or before a restart):
    // it is news to this purpose's pipeline like a fresh one.
    const staged = this.staged('block', id, decodeBlock)
    if (staged !== undefined) { this.emit({ type: purpose, peer: peer ?? NO_PEER, id, block: staged }); return staged }
    return await this.remote(id, peer, 'b', decodeBlock, (block, bytes, from) => {
      this.keepStaged('block', id, bytes)
      this.emit({ type: purpose, peer: from ?? NO_PEER, id, block })
    })
  }

  /** A transaction the node holds already (stored or staged): a fetch of it is answered without a signal. */
  heldTx (id: Uint8Array): Transaction | undefined {
    return this.d.chain.getTx(id) ?? this.staged('tx', id, decodeTx)
  }

  /**
   * `storeChecked`: the caller has just looked in the chain's store (a sync's prefetch does, as it
   * queues the id), so that LevelDB miss is not paid twice per fetched transaction.
   */
  async tx (id: Uint8Array, purpose: TxPurpose, peer?: Uint8Array, storeChecked = false): Promise<Transaction | null> {
    const stored = storeChecked ? undefined : this.d.chain.getTx(id)
    if (stored !== undefined) return stored
    const staged = this.staged('tx', id, decodeTx)
    if (staged !== undefined) { this.emit({ type: purpose, peer: peer ?? NO_PEER, id, tx: staged }); return staged }
    return await this.remote(id, peer, 'x', decodeTx, (tx, bytes, from) => {
      this.keepStaged('tx', id, bytes)
      this.emit({ type: purpose, peer: from ?? NO_PEER, id, tx })
    })
  }

  async message (id: Uint8Array, peer?: Uint8Array): Promise<Message | null> {
    const stored = this.d.chain.messages.get(id)
    if (stored !== undefined) return stored
    return await this.remote(id, peer, 'm', decodeMessage, (message, _bytes, from) => {
      this.emit({ type: 'GET_MSG_FROM_PEER', peer: from ?? NO_PEER, id, message })
    })
  }

  private staged<T> (kind: 'block' | 'tx', id: Uint8Array, decode: (b: Uint8Array) => T): T | undefined {
    const bytes = this.d.chain.staging.get(kind, id)
    if (bytes === undefined) return undefined
    try { return decode(bytes) } catch { void this.d.chain.staging.unstage(kind, id).catch(() => {}); return undefined }
  }

  /**
   * Staged items survive a restart mid-sync; a failed or refused write only costs a refetch. Items
   * are written in batches (one LevelDB batch per event-loop turn or per STAGE_BATCH_ITEMS).
   */
  private keepStaged (kind: 'block' | 'tx', id: Uint8Array, bytes: Uint8Array): void {
    this.toStage.push({ kind, id, bytes })
    if (this.toStage.length >= STAGE_BATCH_ITEMS) this.flushStaged()
    else if (!this.stageScheduled) {
      this.stageScheduled = true
      setImmediate(() => { this.stageScheduled = false; this.flushStaged() })
    }
  }

  private flushStaged (): void {
    const items = this.toStage
    if (items.length === 0 || this.d.signal.aborted) { this.toStage = []; return }
    this.toStage = []
    this.d.chain.staging.stageMany(items).then(refused => {
      if (refused > 0) this.d.log.debug('staging refused items (area full)', { refused, of: items.length })
    }, (e: unknown) => {
      this.d.log.debug('staging failed', { items: items.length, err: (e as Error).message })
    })
  }
}
