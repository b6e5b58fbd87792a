// JSON shapes of chain objects for the API: hashes and keys as lowercase hex, big numbers and
// amounts as decimal strings, small counters (heights, nonces, unix seconds) as JSON numbers.
import { type Block, blockId } from '../../chain/block.js'
import { toHex } from '../../chain/hex.js'
import { TX_KIND_NOTE, TX_KIND_TRANSFER } from '../../chain/constants.js'
import { type Transaction, txId } from '../../chain/tx.js'
import type { BlockSummaryJson } from './types.js'

export const IMMUTABLE = { 'cache-control': 'public, max-age=31536000, immutable' }
export const NO_STORE = { 'cache-control': 'no-store' }

export interface BlockJson {
  id: string
  height: number
  version: number
  chainId: string
  parent: string
  time: number
  baseTarget: string
  cumulativeDifficulty: string
  generationSignature: string
  miner: string
  checkpoint: string
  txCount: number
  txids: string[]
  signature: string
  txs?: TxJson[]
}

export function blockJson (b: Block, id: Uint8Array = blockId(b)): BlockJson {
  return {
    id: toHex(id), height: b.n, version: b.v, chainId: toHex(b.c), parent: toHex(b.p), time: b.t,
    baseTarget: b.b.toString(), cumulativeDifficulty: b.d.toString(), generationSignature: toHex(b.g),
    miner: toHex(b.m), checkpoint: toHex(b.i), txCount: b.x.length, txids: b.x.map(toHex), signature: toHex(b.s)
  }
}

/** A short form for lists and events. */
export function blockSummary (b: Block, id: Uint8Array = blockId(b)): BlockSummaryJson {
  return { id: toHex(id), height: b.n, parent: toHex(b.p), time: b.t, miner: toHex(b.m), txCount: b.x.length, cumulativeDifficulty: b.d.toString() }
}

export interface TxJson {
  id: string
  version: number
  chainId: string
  kind: 'transfer' | 'note' | 'unknown'
  from: string
  to?: string
  amount?: string
  fee: string
  nonce: number
  timestamp: number
  memo: string
  signature: string
}

export function txJson (tx: Transaction, id: Uint8Array = txId(tx)): TxJson {
  const kind = tx.k === TX_KIND_TRANSFER ? 'transfer' : tx.k === TX_KIND_NOTE ? 'note' : 'unknown'
  const out: TxJson = {
    id: toHex(id), version: tx.v, chainId: toHex(tx.c), kind, from: toHex(tx.f), fee: String(tx.e),
    nonce: tx.n, timestamp: tx.t, memo: toHex(tx.m), signature: toHex(tx.s)
  }
  if (tx.o !== undefined) out.to = toHex(tx.o)
  if (tx.a !== undefined) out.amount = String(tx.a)
  return out
}
