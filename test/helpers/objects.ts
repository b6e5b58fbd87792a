// Valid sample objects for codec and signature tests.
import { type Block, signBlock } from '../../chain/block.js'
import { type Transaction, createNote, createTransfer } from '../../chain/tx.js'
import { type Message, createMessage } from '../../chain/message.js'
import { devKey } from '../../chain/devkeys.js'
import { MSG_TYPE_TEXT } from '../../chain/constants.js'

export const CHAIN_ID = new Uint8Array(16).fill(7)
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v)

export function sampleTransfer (nonce = 1, fee = 5): Transaction {
  const a = devKey(0); const b = devKey(1)
  return createTransfer(a.secretKey, a.publicKey, {
    chainId: CHAIN_ID, to: b.publicKey, amount: 1000, fee, nonce, timestamp: 1_795_478_500, memo: new TextEncoder().encode('hi')
  })
}

export function sampleNote (): Transaction {
  const a = devKey(2)
  return createNote(a.secretKey, a.publicKey, { chainId: CHAIN_ID, fee: 1, nonce: 1, timestamp: 1_795_478_501 })
}

export function sampleBlock (txCount = 3): Block {
  const m = devKey(0)
  return signBlock({
    v: 1, c: CHAIN_ID, n: 42, p: fill(32, 1), t: 1_795_478_900, b: 123_456_789_012n, d: (1n << 70n) + 5n,
    g: fill(32, 2), m: m.publicKey, i: fill(32, 3), x: Array.from({ length: txCount }, (_, k) => fill(32, 10 + k))
  }, m.secretKey)
}

export function sampleMessage (to = true): Message {
  const a = devKey(3)
  return createMessage(a.secretKey, {
    chainId: CHAIN_ID, from: a.publicKey, to: to ? devKey(1).publicKey : undefined, timestamp: 1_795_478_600,
    prev: fill(32, 9), type: MSG_TYPE_TEXT, body: new TextEncoder().encode('hello over the DHT')
  })
}
