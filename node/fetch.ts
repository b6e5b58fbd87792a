// Item fetches: local store first, then the DHT (direct to the peer's endpoint when we know it,
// else recursive). Every answer is decoded strictly; bytes that fail to decode or answer another
// id cost the peer penalty points. A miss goes into the demand set. Each successful fetch is also
// emitted as the signal its purpose names, so every DHT answer passes through the router.
import { type Block, decodeBlock } from '../chain/block.js'
import { type Transaction, decodeTx } from '../chain/tx.js'
import { type Message, decodeMessage } from '../chain/message.js'
import { isChainError } from '../chain/errors.js'
import { toHex } from '../chain/hex.js'
import type { Chain } from '../chain/chain.js'
import type { Getter } from '../dht/index.js'
import type { DemandSet } from './demand.js'
import type { PeerSet } from './peers.js'
import type { SignalRouter } from './router.js'
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

/** Fetched items written to the staging area in one batch at most this many at a time. */
const STAGE_BATCH_ITEMS = 256

export class Fetcher {
  private toStage: Array<{ kind: 'block' | 'tx', id: Uint8Array, bytes: Uint8Array }> = []
  private stageScheduled = false

  constructor (private readonly d: FetchDeps) {}

  private async raw (id: Uint8Array, peer: Uint8Array | undefined): Promise<Uint8Array | null> {
    if (this.d.signal.aborted) return null
    const endpoint = peer !== undefined ? this.d.peers.get(peer)?.endpoint : undefined
    try {
      const item = await this.d.getter.getImmutable(id, { endpoint, signal: this.d.signal })
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

  async block (id: Uint8Array, purpose: BlockPurpose, peer?: Uint8Array): Promise<Block | null> {
    const local = this.d.chain.getBlock(id) ?? this.staged('block', id, decodeBlock)
    if (local !== undefined) return local
    const bytes = await this.raw(id, peer)
    if (bytes === null) { this.d.demand.add('b', id); return null }
    let block: Block
    try { block = decodeBlock(bytes) } catch (e) { return this.bad(peer, id, e) }
    this.d.demand.satisfied('b', id)
    this.keepStaged('block', id, bytes)
    this.d.router.emit({ type: purpose, peer: peer ?? new Uint8Array(32), id, block })
    return block
  }

  async tx (id: Uint8Array, purpose: TxPurpose, peer?: Uint8Array): Promise<Transaction | null> {
    const local = this.d.chain.getTx(id) ?? this.staged('tx', id, decodeTx)
    if (local !== undefined) return local
    const bytes = await this.raw(id, peer)
    if (bytes === null) { this.d.demand.add('x', id); return null }
    let tx: Transaction
    try { tx = decodeTx(bytes) } catch (e) { return this.bad(peer, id, e) }
    this.d.demand.satisfied('x', id)
    this.keepStaged('tx', id, bytes)
    this.d.router.emit({ type: purpose, peer: peer ?? new Uint8Array(32), id, tx })
    return tx
  }

  async message (id: Uint8Array, peer?: Uint8Array): Promise<Message | null> {
    const stored = this.d.chain.store.getMessage(id)
    if (stored !== undefined) return stored
    const bytes = await this.raw(id, peer)
    if (bytes === null) { this.d.demand.add('m', id); return null }
    let m: Message
    try { m = decodeMessage(bytes) } catch (e) { return this.bad(peer, id, e) }
    this.d.demand.satisfied('m', id)
    this.d.router.emit({ type: 'GET_MSG_FROM_PEER', peer: peer ?? new Uint8Array(32), id, message: m })
    return m
  }

  private staged<T> (kind: 'block' | 'tx', id: Uint8Array, decode: (b: Uint8Array) => T): T | undefined {
    const bytes = this.d.chain.store.getStaged(kind, id)
    if (bytes === undefined) return undefined
    try { return decode(bytes) } catch { void this.d.chain.store.unstage(kind, id).catch(() => {}); return undefined }
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
    this.d.chain.store.stageMany(items).then(refused => {
      if (refused > 0) this.d.log.debug('staging refused items (area full)', { refused, of: items.length })
    }, (e: unknown) => {
      this.d.log.debug('staging failed', { items: items.length, err: (e as Error).message })
    })
  }
}
