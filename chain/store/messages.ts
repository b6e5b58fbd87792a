// Off-chain messages (PROTOCOL §3, §9) are immutable DAG items like blocks and transactions: the
// store keeps their canonical bytes by id so the node can serve them when a peer's demand asks.
import { ChainError } from '../errors.js'
import { bytesEqual, toHex } from '../hex.js'
import { type Message, decodeMessage, encodeMessage, messageId } from '../message.js'
import { messageKey } from './keys.js'
import { storeCorrupt } from './records.js'
import type { Db } from './db.js'

export class MessageStore {
  constructor (private readonly db: Db) {}

  /** Stores a message under its id; returns the id. Idempotent. */
  async put (message: Message): Promise<Uint8Array> {
    const id = messageId(message)
    await this.db.put(messageKey(id), encodeMessage(message))
    return id
  }

  get (id: Uint8Array): Message | undefined {
    const v = this.db.getSync(messageKey(id))
    if (v === undefined) return undefined
    let m: Message
    try {
      m = decodeMessage(v)
    } catch (e) {
      throw storeCorrupt(`message ${toHex(id)} does not decode (${(e as Error).message})`)
    }
    if (!bytesEqual(messageId(m), id)) throw storeCorrupt(`message record ${toHex(id)} holds another message`)
    return m
  }

  has (id: Uint8Array): boolean {
    if (id.length !== 32) throw new ChainError('STORE_BAD_ID', 'message id must be 32 bytes')
    return this.db.getSync(messageKey(id)) !== undefined
  }
}
