// The typed signals of PROTOCOL §10. Channel readers and item fetches turn DHT answers into
// these; the router hands each type to the pipeline that owns it. Every signal names the peer
// (public key) whose channel or endpoint produced it, so a pipeline can penalise bad data.
import type { Block } from '../chain/block.js'
import type { Transaction } from '../chain/tx.js'
import type { Message } from '../chain/message.js'

/** A peer's blkTip value as read from its channel. */
export interface TipClaim { id: Uint8Array, n: number, d: bigint }

interface FromPeer { peer: Uint8Array }

export type Signal =
  | FromPeer & { type: 'TIP_BLOCK_FROM_PEER_FOR_MINING', tip: TipClaim }
  | FromPeer & { type: 'GET_HISTORY_BLOCK_FOR_MINING', id: Uint8Array, block: Block }
  | FromPeer & { type: 'GET_HISTORY_BLOCK_TX_FOR_MINING', id: Uint8Array, tx: Transaction }
  | FromPeer & { type: 'GET_HISTORY_BLOCK_FOR_SYNC', id: Uint8Array, block: Block }
  | FromPeer & { type: 'GET_HISTORY_TX_FOR_SYNC', id: Uint8Array, tx: Transaction }
  | FromPeer & { type: 'TIP_BLOCK_FROM_PEER_FOR_VOTING', tip: TipClaim }
  | FromPeer & { type: 'GET_HISTORY_BLOCK_FOR_VOTING', id: Uint8Array, block: Block }
  | FromPeer & { type: 'TIP_TX_FOR_MINING', ids: Uint8Array[] }
  | FromPeer & { type: 'GET_TX_FOR_MINING', id: Uint8Array, tx: Transaction }
  | FromPeer & { type: 'BLOCK_DEMAND_FROM_PEER', ids: Uint8Array[] }
  | FromPeer & { type: 'BLOCK_TX_DEMAND_FROM_PEER', ids: Uint8Array[] }
  | FromPeer & { type: 'MSG_DEMAND_FROM_PEER', ids: Uint8Array[] }
  | FromPeer & { type: 'TIP_MSG_FROM_PEER', id: Uint8Array }
  | FromPeer & { type: 'GET_MSG_FROM_PEER', id: Uint8Array, message: Message }

export type SignalType = Signal['type']
export type SignalOf<T extends SignalType> = Extract<Signal, { type: T }>

/** Which pipeline consumes each signal type (PROTOCOL §10), for docs, metrics and the router test. */
export const SIGNAL_PIPELINE: Record<SignalType, string> = {
  TIP_BLOCK_FROM_PEER_FOR_MINING: 'sync',
  GET_HISTORY_BLOCK_FOR_MINING: 'mining',
  GET_HISTORY_BLOCK_TX_FOR_MINING: 'mining',
  GET_HISTORY_BLOCK_FOR_SYNC: 'sync',
  GET_HISTORY_TX_FOR_SYNC: 'sync',
  TIP_BLOCK_FROM_PEER_FOR_VOTING: 'voting',
  GET_HISTORY_BLOCK_FOR_VOTING: 'voting',
  TIP_TX_FOR_MINING: 'pool',
  GET_TX_FOR_MINING: 'pool',
  BLOCK_DEMAND_FROM_PEER: 'demand',
  BLOCK_TX_DEMAND_FROM_PEER: 'demand',
  MSG_DEMAND_FROM_PEER: 'demand',
  TIP_MSG_FROM_PEER: 'messages',
  GET_MSG_FROM_PEER: 'messages'
}
