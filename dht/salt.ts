// Channel salts and time slots (PROTOCOL §9).
// salt = chainId (16) ‖ channel name (ASCII) ‖ slot (8-byte big-endian ⌊now_s / T⌋).
// Slots make a channel's target move every blockTime, so stale items age out of readers' view
// without any expiry in the DHT, and a reader that misses the current slot tries the previous one.
import { CHAIN_ID_BYTES } from '../chain/constants.js'
import { MAX_SALT_BYTES } from './constants.js'
import { DhtError } from './errors.js'

export const CHANNEL_NAMES = ['blkTip', 'txTip', 'msgTip', 'demand', 'gossip'] as const
export type ChannelName = typeof CHANNEL_NAMES[number]

export function isChannelName (s: string): s is ChannelName {
  return (CHANNEL_NAMES as readonly string[]).includes(s)
}

/** The slot of a wall-clock time: ⌊⌊nowMs / 1000⌋ / blockTimeS⌋, integer arithmetic only. */
export function slotOf (nowMs: number, blockTimeS: number): number {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new DhtError('DHT_BAD_SALT', `bad time ${nowMs}`)
  if (!Number.isSafeInteger(blockTimeS) || blockTimeS < 1) throw new DhtError('DHT_BAD_SALT', `bad block time ${blockTimeS}`)
  return Math.floor(Math.floor(nowMs / 1000) / blockTimeS)
}

export function channelSalt (chainId: Uint8Array, name: ChannelName, slot: number): Uint8Array {
  if (chainId.length !== CHAIN_ID_BYTES) throw new DhtError('DHT_BAD_SALT', `chainId must be ${CHAIN_ID_BYTES} bytes`)
  if (!isChannelName(name)) throw new DhtError('DHT_BAD_CHANNEL', `unknown channel "${String(name)}"`)
  if (!Number.isSafeInteger(slot) || slot < 0) throw new DhtError('DHT_BAD_SALT', `bad slot ${slot}`)
  const salt = Buffer.alloc(CHAIN_ID_BYTES + name.length + 8)
  salt.set(chainId, 0)
  salt.write(name, CHAIN_ID_BYTES, 'latin1')
  salt.writeBigUInt64BE(BigInt(slot), CHAIN_ID_BYTES + name.length)
  if (salt.length > MAX_SALT_BYTES) throw new DhtError('DHT_BAD_SALT', 'salt over 64 bytes')
  return new Uint8Array(salt)
}
