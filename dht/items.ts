// Channel value codecs (PROTOCOL §9). Each channel's value is a dict with a fixed schema, decoded
// strictly through chain/codec.ts (canonical form, no unknown keys, exact lengths, list bounds),
// so a peer's channel item either becomes a typed value or is refused with a CodecError.
import { big, bytes, bytesMax, decodeWith, dict, encodeWith, int, list, type Schema } from '../chain/codec.js'
import { HASH_BYTES, PK_ID_BYTES } from '../chain/constants.js'
import { COMPACT_ENDPOINT_BYTES } from './constants.js'
import type { ChannelName } from './salt.js'

/** Ids per list in txTip and demand. */
export const MAX_TIP_IDS = 8
/** Observations per gossip item. */
export const MAX_GOSSIP_ENTRIES = 10
/** Longest gossip interval `q` a publisher may announce (minutes; PROTOCOL §9 lists 1, 5, 10, 30, 60). */
export const MAX_GOSSIP_INTERVAL_MIN = 60
/** Longest nickname `u` (UTF-8 bytes). */
export const MAX_NICKNAME_BYTES = 32

export interface BlkTip {
  /** Tip block id. */ h: Uint8Array
  /** Height. */ n: number
  /** Cumulative difficulty. */ d: bigint
  /** Publisher's DHT endpoint, compact (see endpoint.ts). */ e?: Uint8Array
}
export interface TxTip { x: Uint8Array[] }
export interface MsgTip { h: Uint8Array }
export interface Demand { b: Uint8Array[], x: Uint8Array[], m: Uint8Array[] }
export interface GossipEntry {
  /** Sender pk_id. */ s: Uint8Array
  /** Receiver pk_id. */ r: Uint8Array
  /** Message type. */ y: number
  /** Message hash. */ h: Uint8Array
  /** Time in minutes. */ t: number
}
export interface Gossip {
  g: GossipEntry[]
  /** Version 2, optional: the publisher's gossip interval in minutes (1, 5, 10, 30 or 60). */ q?: number
  /** Version 2, optional: the publisher's nickname, UTF-8. */ u?: Uint8Array
}

export interface ChannelValues {
  blkTip: BlkTip
  txTip: TxTip
  msgTip: MsgTip
  demand: Demand
  gossip: Gossip
}

const id = bytes(HASH_BYTES)
const ids = list(id, MAX_TIP_IDS)

export const CHANNEL_SCHEMAS: { readonly [N in ChannelName]: Schema } = {
  blkTip: { name: 'blkTip', fields: { h: id, n: int(), d: big, e: bytes(COMPACT_ENDPOINT_BYTES) }, optional: ['e'] },
  txTip: { name: 'txTip', fields: { x: ids } },
  msgTip: { name: 'msgTip', fields: { h: id } },
  demand: { name: 'demand', fields: { b: ids, x: ids, m: ids } },
  gossip: {
    name: 'gossip',
    fields: {
      g: list(dict({ s: bytes(PK_ID_BYTES), r: bytes(PK_ID_BYTES), y: int(), h: id, t: int() }), MAX_GOSSIP_ENTRIES),
      q: int(1, MAX_GOSSIP_INTERVAL_MIN),
      u: bytesMax(MAX_NICKNAME_BYTES)
    },
    optional: ['q', 'u']
  }
}

/** Canonical bytes of a channel value. Throws CodecError when the value breaks its schema. */
export function encodeChannelValue<N extends ChannelName> (name: N, value: ChannelValues[N]): Uint8Array {
  return encodeWith(CHANNEL_SCHEMAS[name], value)
}

/** The typed value of a channel item. Throws CodecError on anything but a canonical, valid value. */
export function decodeChannelValue<N extends ChannelName> (name: N, bytes: Uint8Array): ChannelValues[N] {
  return decodeWith<ChannelValues[N]>(CHANNEL_SCHEMAS[name], bytes)
}
