// The shapes the pages read from the API (docs/api.md). Fields another version may lack are optional.
export interface Status {
  height: number
  tipId: string
  tipTime?: number
  cumulativeDifficulty?: string
  consensusPoint: { id: string, height: number } | null
  syncing: boolean
  ready?: boolean
  mining?: { enabled: boolean, nextEligibleTime: number | null }
  peers: number
  knownPeers?: number
  poolSize: number
  minedBlocks?: number
  importedBlocks?: number
  reorgs?: number
  votingRounds?: number
  warnings?: string[]
  version?: string
  publicKey?: string
}

export interface BlockSummary { id: string, height: number, parent: string, time: number, miner: string, txCount: number, cumulativeDifficulty: string }
export interface Tx {
  id: string
  kind: string
  from: string
  to?: string
  amount?: string
  fee: string
  nonce: number
  timestamp: number
  memo: string
  signature?: string
  block?: { id: string, height: number }
}
export interface Block extends BlockSummary { version: number, baseTarget: string, generationSignature: string, checkpoint: string, txids: string[], signature: string, txs?: Tx[] }
export interface BlockStatus { inBestChain: boolean, nextBest: string | null, final: boolean }
export interface TxLookup { id: string, status: 'pool' | 'mined', block: { id: string, height: number } | null, tx: Tx }
export interface Account { key: string, balance: string, nonce: number, power: number, effectivePower: string, nextNonce?: number, pooledTxs?: number }
export interface AccountTxs { txs: Tx[], next: number | null }
export interface Peer { key: string, endpoint: string | null, lastSeenMs: number | null, tip: { id: string, height: number } | null, penalties: number, banned: boolean, sources?: string[] }
export interface ReorgEvent { depth: number, oldTip: string, newTip: string, height: number }
