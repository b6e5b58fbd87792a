// Transactions (PROTOCOL §3): transfer (kind 1) and note (kind 2).
import { CodecError } from './errors.js'
import { type Schema, bytes, bytesMax, int } from './codec.js'
import {
  CHAIN_ID_BYTES, KEY_BYTES, MAX_MEMO_BYTES, SIG_BYTES, TX_KIND_NOTE, TX_KIND_TRANSFER
} from './constants.js'
import { decodeFrozen, encodedOf, idOf, signObject, verifyObject } from './signed.js'

export interface Transaction {
  v: number
  c: Uint8Array
  k: number
  f: Uint8Array
  o?: Uint8Array
  a?: number
  e: number
  n: number
  t: number
  m: Uint8Array
  s: Uint8Array
}

export const TX_SCHEMA: Schema = {
  name: 'tx',
  fields: {
    v: int(),
    c: bytes(CHAIN_ID_BYTES),
    k: int(),
    f: bytes(KEY_BYTES),
    o: bytes(KEY_BYTES),
    a: int(1),
    e: int(),
    n: int(),
    t: int(),
    m: bytesMax(MAX_MEMO_BYTES),
    s: bytes(SIG_BYTES)
  },
  optional: ['o', 'a']
}

/** Transfers carry a receiver and an amount; notes carry neither. Unknown kinds are left to validation. */
function checkKindFields (tx: Partial<Transaction>): void {
  if (tx.k === TX_KIND_TRANSFER) {
    if (tx.o === undefined) throw new CodecError('CODEC_MISSING_KEY', 'tx.o is required for a transfer')
    if (tx.a === undefined) throw new CodecError('CODEC_MISSING_KEY', 'tx.a is required for a transfer')
  } else if (tx.k === TX_KIND_NOTE) {
    if (tx.o !== undefined || tx.a !== undefined) throw new CodecError('CODEC_UNKNOWN_KEY', 'a note has no o or a')
  }
}

export function decodeTx (input: Uint8Array): Transaction {
  const tx = decodeFrozen<Transaction>(TX_SCHEMA, input)
  checkKindFields(tx)
  return tx
}

export const encodeTx = (tx: Transaction): Uint8Array => encodedOf(TX_SCHEMA, tx)
export const txId = (tx: Transaction): Uint8Array => idOf(TX_SCHEMA, tx)
export const verifyTxSignature = (tx: Transaction): boolean => verifyObject(TX_SCHEMA, tx, tx.f)

export interface TxCommon {
  chainId: Uint8Array
  fee: number
  nonce: number
  timestamp: number
  memo?: Uint8Array
}

export function createTransfer (sk: Uint8Array, from: Uint8Array, o: TxCommon & { to: Uint8Array, amount: number }): Transaction {
  const unsigned = {
    v: 1, c: o.chainId, k: TX_KIND_TRANSFER, f: from, o: o.to, a: o.amount,
    e: o.fee, n: o.nonce, t: o.timestamp, m: o.memo ?? new Uint8Array(0)
  }
  return signObject<Transaction>(TX_SCHEMA, unsigned, sk)
}

export function createNote (sk: Uint8Array, from: Uint8Array, o: TxCommon): Transaction {
  const unsigned = {
    v: 1, c: o.chainId, k: TX_KIND_NOTE, f: from, e: o.fee, n: o.nonce, t: o.timestamp, m: o.memo ?? new Uint8Array(0)
  }
  return signObject<Transaction>(TX_SCHEMA, unsigned, sk)
}

/** Amount plus fee: what the sender's balance must cover. */
export const txCost = (tx: Transaction): number => (tx.a ?? 0) + tx.e
