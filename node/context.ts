// What every pipeline gets: the node's parts, built once in node.ts and shared read-mostly.
import { EventEmitter } from 'node:events'
import type { KeyPair } from '../chain/crypto.js'
import type { Genesis } from '../chain/genesis.js'
import type { Chain } from '../chain/chain.js'
import type { TxPool } from '../chain/pool/pool.js'
import type { Block } from '../chain/block.js'
import type { Transaction } from '../chain/tx.js'
import type { Message } from '../chain/message.js'
import type { Channels, DhtEngine, Getter, Putter } from '../dht/index.js'
import type { NodeConfig } from './config.js'
import type { Logger } from './logger.js'
import type { PeerSet } from './peers.js'
import type { SignalRouter } from './router.js'
import type { DemandSet } from './demand.js'
import type { VoteEntry, VoteRoundReport } from './voteReport.js'

export type { VoteEntry, VoteRoundReport }
import type { Fetcher } from './fetch.js'

/** Mutable facts about the node that status, metrics and pipelines share. */
export interface NodeState {
  syncing: boolean
  /** Set once the start-up voting round (if any) has finished: mining waits for it. */
  ready: boolean
  miningEnabled: boolean
  nextEligibleTime: number | null
  minedBlocks: number
  importedBlocks: number
  reorgs: number
  votingRounds: number
  /** The last rounds, newest last (VOTE_REPORTS_KEPT at most). */
  voteRounds: VoteRoundReport[]
  startedAtMs: number
  /** The sync under way, if any (node/pipelines/syncProgress.ts): what /status shows as `sync`. */
  sync?: SyncProgressSource
}

/** A running sync's progress, read at `nowMs` (blocks/s over a recent window, so it is computed on read). */
export interface SyncProgressView {
  /** Height of the tip being synced to. */
  targetHeight: number
  /** Height of the last block of its branch imported (the chain's height when the sync began until then). */
  currentHeight: number
  /** The chain's height when the sync began. */
  startHeight: number
  /** Blocks imported per second over the last SYNC_PROGRESS_WINDOW_MS (0 before the first import). */
  blocksPerSec: number
  /** Seconds left at that rate; null while the rate is 0. */
  etaS: number | null
}
export interface SyncProgressSource { view: (nowMs: number) => SyncProgressView }

/** Events for the API's live stream (SSE) and for tests. */
export interface NodeEventMap {
  block: [{ block: Block, id: Uint8Array, mined: boolean }]
  reorg: [{ depth: number, oldTip: Uint8Array, newTip: Uint8Array, height: number }]
  tx: [{ tx: Transaction, id: Uint8Array }]
  vote: [VoteRoundReport]
  warning: [{ message: string, data?: Record<string, unknown> }]
  message: [{ message: Message, id: Uint8Array }]
  /** A trusted read receipt: `from` holds our message `message` (named by its message `by`). */
  receipt: [{ from: Uint8Array, message: Uint8Array, by: Uint8Array }]
}

export class NodeEvents extends EventEmitter<NodeEventMap> {}

export interface NodeContext {
  cfg: NodeConfig
  log: Logger
  genesis: Genesis
  key: KeyPair
  chain: Chain
  pool: TxPool
  engine: DhtEngine
  getter: Getter
  putter: Putter
  channels: Channels
  router: SignalRouter
  peers: PeerSet
  demand: DemandSet
  fetcher: Fetcher
  events: NodeEvents
  state: NodeState
  /** Aborted when the node stops: every loop and fetch watches it. */
  signal: AbortSignal
  /** Unix seconds. */
  nowS: () => number
}
