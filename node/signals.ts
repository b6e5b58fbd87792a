// The typed signals of the protocol's signal table (docs/protocol.md §10), plus GOSSIP_FROM_PEER.
// Channel readers and item fetches turn DHT answers into these; the router hands each type to the
// pipeline that owns it. Every signal names the peer (public key) whose channel or endpoint
// produced it, so a pipeline can penalise bad data. SIGNAL_ROUTES is the one table of who makes
// and who takes each type; the router enforces it (router.ts) and a test checks a running node
// against it (test/unit/node/signalRoutes.test.ts).
import type { Block } from '../chain/block.js'
import type { Transaction } from '../chain/tx.js'
import type { Message } from '../chain/message.js'
import type { Gossip } from '../dht/index.js'

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
  | FromPeer & { type: 'GOSSIP_FROM_PEER', seq: number, gossip: Gossip }

export type SignalType = Signal['type']
export type SignalOf<T extends SignalType> = Extract<Signal, { type: T }>

/** The parts that emit signals. */
export type SignalProducer = 'readers' | 'fetcher' | 'gossipReader'
/** The pipelines that take them. */
export type SignalConsumer = 'mining' | 'sync' | 'voting' | 'pool' | 'demand' | 'messages'

export interface SignalRoute {
  /** Who turns a DHT answer into this signal, and from what. */
  producer: SignalProducer
  from: string
  /** The one pipeline that acts on it, and what it does. */
  consumer: SignalConsumer
  action: string
}

/** Who makes and who takes each signal type: the router refuses any other producer or consumer. */
export const SIGNAL_ROUTES: Record<SignalType, SignalRoute> = {
  TIP_BLOCK_FROM_PEER_FOR_MINING: {
    producer: 'readers', from: "a peer's blkTip (read or pushed)",
    consumer: 'mining', action: 'candidate tips: one that beats ours goes to the tip probes (its block fetched and checked)'
  },
  GET_HISTORY_BLOCK_FOR_MINING: {
    producer: 'fetcher', from: "a candidate tip's block, fetched by the tip probes",
    consumer: 'mining', action: "a valid block on our tip: fetch its transactions (the live chain's next block)"
  },
  GET_HISTORY_BLOCK_TX_FOR_MINING: {
    producer: 'fetcher', from: "a transaction of such a candidate block",
    consumer: 'mining', action: 'once the candidate has all its transactions, import it at once (no sync walk)'
  },
  GET_HISTORY_BLOCK_FOR_SYNC: {
    producer: 'fetcher', from: 'a block of a branch being synced',
    consumer: 'sync', action: "queue its signature for the sync's verify workers"
  },
  GET_HISTORY_TX_FOR_SYNC: {
    producer: 'fetcher', from: 'a transaction of a branch being synced',
    consumer: 'sync', action: "queue its signature for the sync's verify workers"
  },
  TIP_BLOCK_FROM_PEER_FOR_VOTING: {
    producer: 'readers', from: "a sampled key's blkTip, read for a voting round",
    consumer: 'voting', action: "the key's answer: its vote is checked (tip block, then checkpoint)"
  },
  GET_HISTORY_BLOCK_FOR_VOTING: {
    producer: 'fetcher', from: "a voter's tip block or checkpoint block",
    consumer: 'voting', action: 'the next step of that vote check'
  },
  TIP_TX_FOR_MINING: {
    producer: 'readers', from: "a peer's txTip",
    consumer: 'pool', action: 'fetch the transactions we lack'
  },
  GET_TX_FOR_MINING: {
    producer: 'fetcher', from: 'a transaction named by a txTip',
    consumer: 'pool', action: 'admit it to the pool'
  },
  BLOCK_DEMAND_FROM_PEER: {
    producer: 'readers', from: "a peer's demand (blocks)",
    consumer: 'demand', action: 'put the blocks we hold'
  },
  BLOCK_TX_DEMAND_FROM_PEER: {
    producer: 'readers', from: "a peer's demand (transactions)",
    consumer: 'demand', action: 'put the transactions we hold'
  },
  MSG_DEMAND_FROM_PEER: {
    producer: 'readers', from: "a peer's demand (messages)",
    consumer: 'demand', action: 'put the messages we hold'
  },
  TIP_MSG_FROM_PEER: {
    producer: 'readers', from: "a peer's msgTip",
    consumer: 'messages', action: "walk the peer's message chain from it"
  },
  GET_MSG_FROM_PEER: {
    producer: 'fetcher', from: 'a fetched message',
    consumer: 'messages', action: "a message outside a walk: walk its sender's chain from it"
  },
  GOSSIP_FROM_PEER: {
    producer: 'gossipReader', from: "a known peer's gossip (read or pushed)",
    consumer: 'messages', action: 'hints, demands and contact requests'
  }
}

export const SIGNAL_TYPES = Object.keys(SIGNAL_ROUTES) as SignalType[]
