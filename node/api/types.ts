// TypeScript types of the API's JSON answers, as the handlers build them. Each one mirrors a
// component schema in schemas.ts; test/integration/apiOpenapi.test.ts generates types from the
// live /openapi.json and type-checks them against these both ways, so the two cannot drift.
import type { VoteRoundReport } from '../voteReport.js'
import type { BlockJson, TxJson } from './format.js'

export type { BlockJson, TxJson }
export interface ErrorJson { code: string, message: string }
export interface HealthJson { status: 'synced' | 'syncing' | 'not-ready' }
export interface BlockRefJson { id: string, height: number }
export interface EndpointJson { host: string, port: number }
export interface WarningJson { reason: 'deep-fork' | 'below-consensus-point' | 'vote-deep-fork' | 'vote-below-consensus-point', candidateId: string, branchId: string, candidateHeight: number, forkHeight: number, depth: number, at: number, message: string }
export interface SyncJson { targetHeight: number, currentHeight: number, startHeight: number, blocksPerSec: number, etaS: number | null }
export interface StatusJson {
  chainId: string
  genesisId: string
  height: number
  tipId: string
  tipTime: number
  cumulativeDifficulty: string
  consensusPoint: BlockRefJson | null
  syncing: boolean
  sync: SyncJson | null
  ready: boolean
  mining: { enabled: boolean, nextEligibleTime: number | null }
  nextEligibleTime: number | null
  peers: number
  knownPeers: number
  poolSize: number
  minedBlocks: number
  importedBlocks: number
  reorgs: number
  votingRounds: number
  warnings: string[]
  warningDetails: WarningJson[]
  pendingPoints: Array<{ id: string, mode: 'vote' | 'vote-empty' | 'trusted' }>
  pendingBlocks: number
  version: string
  uptimeS: number
  publicKey: string
  dht: EndpointJson
  endpoints: {
    bound: string | null
    public: string | null
    source: 'flag' | 'peers' | 'bound' | 'none'
    reported: { adopted: string | null, agreeing: number, reporters: number, countedBy: 'ip' | 'endpoint', accepted: number, refused: number }
  }
  directGets: { attempts: number, answered: number }
  link: LinkJson | null
}
export interface LinkSettingsJson { latencyMs: number, jitterMs: number, lossPct: number }
export interface LinkJson extends LinkSettingsJson {
  emulated: true
  far: (LinkSettingsJson & { peers: number }) | null
  delayed: number
  dropped: number
  overflow: number
  held: number
}
export interface BlockSummaryJson { id: string, height: number, parent: string, time: number, miner: string, txCount: number, cumulativeDifficulty: string }
export interface BlockStatusJson { id: string, height: number, inBestChain: boolean, nextBest: string | null, final: boolean }
export interface HeightIdJson { height: number, id: string }
export interface BlockPageJson { blocks: BlockSummaryJson[], next: number | null }
export interface TxSubmittedJson { id: string }
export interface TxLookupJson { id: string, status: 'mined' | 'pool', block: BlockRefJson | null, tx: TxJson }
export interface AccountJson { key: string, balance: string, nonce: number, power: number, effectivePower: string, nextNonce: number, pooledTxs: number }
export interface AccountTxJson extends TxJson { block: BlockRefJson, position: number }
export interface AccountTxPageJson { key: string, txs: AccountTxJson[], next: string | null }
export interface PoolLimitsJson { maxTxs: number, maxPerSender: number, nonceWindow: number, maxAgeS: number }
export interface PoolJson { size: number, limits: PoolLimitsJson }
export interface PoolTxsJson { size: number, txs: TxJson[] }
export interface PeerJson {
  key: string
  endpoint: string | null
  lastSeen: string | null
  lastSeenMs: number | null
  tip: { id: string, height: number, cumulativeDifficulty: string } | null
  penalties: number
  banned: boolean
  sources: string[]
}
export interface PeerListJson { count: number, peers: PeerJson[] }
export interface MiningJson { mining: boolean }
export interface VotesJson { rounds: number, lastRound: VoteRoundReport | null, recent: VoteRoundReport[] }
export interface CheckpointResultJson { id: string, result: 'kept' | 'reorged' | 'unknown' | 'refused', message: string }
