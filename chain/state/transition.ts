// The state transition (PROTOCOL §5). One implementation, used by block validation, by the
// chain when it applies a block, and by the pool when it admits a transaction.
import { ChainError } from '../errors.js'
import { MAX_FUTURE_DRIFT_S, MAX_SAFE_INT, PROTOCOL_VERSION, TX_KIND_NOTE, TX_KIND_TRANSFER } from '../constants.js'
import { bytesEqual } from '../hex.js'
import { type Transaction, txCost, verifyTxSignature } from '../tx.js'
import { type Account, EMPTY_ACCOUNT, type StateView } from './account.js'
import { StateOverlay } from './overlay.js'

export interface TxRules {
  chainId: Uint8Array
  minFee: number
}

/**
 * Checks that need no state: version, chain id, kind, fee and signature, and that the timestamp is
 * at most `maxTime` + MAX_FUTURE_DRIFT (block time for block txs, now for the pool).
 * The signature goes last: it is the only expensive check.
 */
export function checkTxStatic (tx: Transaction, rules: TxRules, maxTime: number): void {
  if (tx.v !== PROTOCOL_VERSION) throw new ChainError('TX_BAD_VERSION', `version ${tx.v}, expected ${PROTOCOL_VERSION}`)
  if (!bytesEqual(tx.c, rules.chainId)) throw new ChainError('TX_WRONG_CHAIN', 'transaction carries another chain id')
  if (tx.k !== TX_KIND_TRANSFER && tx.k !== TX_KIND_NOTE) throw new ChainError('TX_BAD_KIND', `unknown kind ${tx.k}`)
  if (tx.e < rules.minFee) throw new ChainError('TX_FEE_TOO_LOW', `fee ${tx.e} below the minimum ${rules.minFee}`)
  if (tx.t > maxTime + MAX_FUTURE_DRIFT_S) throw new ChainError('TX_FROM_FUTURE', `timestamp ${tx.t} is too far ahead of ${maxTime}`)
  if (!verifyTxSignature(tx)) throw new ChainError('TX_BAD_SIGNATURE', 'signature does not verify')
}

function add (a: number, b: number, what: string): number {
  const r = a + b
  if (r > MAX_SAFE_INT) throw new ChainError('TX_OVERFLOW', `${what} would exceed 2^53 − 1`)
  return r
}

/** Checks nonce and balance against `state` and writes the result into `overlay`. */
export function applyTx (overlay: StateOverlay, tx: Transaction): void {
  const sender = overlay.getAccount(tx.f) ?? EMPTY_ACCOUNT
  if (tx.n !== sender.nonce + 1) {
    throw new ChainError('TX_BAD_NONCE', `nonce ${tx.n}, expected ${sender.nonce + 1}`, { expected: sender.nonce + 1, got: tx.n })
  }
  const cost = txCost(tx)
  if (sender.balance < cost) {
    throw new ChainError('TX_INSUFFICIENT_BALANCE', `balance ${sender.balance} < ${cost}`, { balance: sender.balance, cost })
  }
  overlay.setAccount(tx.f, { balance: sender.balance - cost, nonce: sender.nonce + 1, power: add(sender.power, 1, 'power') })
  if (tx.k === TX_KIND_TRANSFER && tx.o !== undefined) {
    const r = overlay.getAccount(tx.o) ?? EMPTY_ACCOUNT
    overlay.setAccount(tx.o, { ...r, balance: add(r.balance, tx.a ?? 0, 'receiver balance') })
  }
}

export interface BlockTransition {
  overlay: StateOverlay
  fees: number
}

/**
 * Applies a block's transactions in order, then credits the miner with fees + reward.
 * Throws the first transaction's ChainError, tagged with its index.
 */
export function applyBlockTxs (base: StateView, miner: Uint8Array, txs: Transaction[], blockReward: number): BlockTransition {
  const overlay = new StateOverlay(base)
  let fees = 0
  txs.forEach((tx, index) => {
    try {
      applyTx(overlay, tx)
    } catch (e) {
      if (e instanceof ChainError) throw new ChainError(e.code, `tx ${index}: ${e.message.replace(/^[A-Z_]+: /, '')}`, { ...e.data, index })
      throw e
    }
    fees = add(fees, tx.e, 'block fees')
  })
  const m: Account = overlay.getAccount(miner) ?? EMPTY_ACCOUNT
  overlay.setAccount(miner, { ...m, balance: add(m.balance, add(fees, blockReward, 'miner reward'), 'miner balance') })
  return { overlay, fees }
}

