// Account state (PROTOCOL §4): balance, nonce and power. Stored as a tiny bencode dict.
import { type Schema, decodeWith, encodeWith, int } from '../codec.js'

export interface Account {
  balance: number
  nonce: number
  power: number
}

/** Read access to the state after some block; the store and in-memory overlays implement it. */
export interface StateView {
  getAccount (key: Uint8Array): Account | undefined
}

const ACCOUNT_SCHEMA: Schema = { name: 'account', fields: { b: int(), n: int(), p: int() } }

export const encodeAccount = (a: Account): Uint8Array => encodeWith(ACCOUNT_SCHEMA, { b: a.balance, n: a.nonce, p: a.power })

export function decodeAccount (bytes: Uint8Array): Account {
  const d = decodeWith<{ b: number, n: number, p: number }>(ACCOUNT_SCHEMA, bytes)
  return { balance: d.b, nonce: d.n, power: d.p }
}

export const EMPTY_ACCOUNT: Readonly<Account> = Object.freeze({ balance: 0, nonce: 0, power: 0 })
