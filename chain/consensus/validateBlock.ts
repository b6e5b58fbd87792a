// Full block validation (PROTOCOL §5): the header steps, then the transaction list, then every
// transaction in order. Returns the state transition so the chain commits exactly what was checked.
// This file is the entry point the chain imports; the header steps live in validateBlockHeader.ts.
import { ChainError } from '../errors.js'
import { MAX_TXS_PER_BLOCK } from '../constants.js'
import type { Block } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import { type Transaction, txId } from '../tx.js'
import { type BlockTransition, type TxRules, applyBlockTxs, checkTxStatic } from '../state/transition.js'
import type { Genesis } from '../genesis.js'
import { type BlockContext, validateBlockHeader } from './validateBlockHeader.js'

export {
  type BlockContext, type DerivedFields, deriveChildFields, minerEffectivePower, validateBlockHeader
} from './validateBlockHeader.js'
export type { BlockTransition } from '../state/transition.js'

export const txRulesOf = (genesis: Genesis): TxRules => ({ chainId: genesis.chainId, minFee: genesis.config.minFee })

/** At most MAX_TXS_PER_BLOCK ids, all distinct. */
export function verifyTxList (block: Block): void {
  if (block.x.length > MAX_TXS_PER_BLOCK) {
    throw new ChainError('BLOCK_TOO_MANY_TXS', `${block.x.length} transactions, at most ${MAX_TXS_PER_BLOCK}`)
  }
  const seen = new Set<string>()
  for (const id of block.x) {
    const h = toHex(id)
    if (seen.has(h)) throw new ChainError('BLOCK_DUPLICATE_TX', `transaction ${h} listed twice`, { id: h })
    seen.add(h)
  }
}

/** The given transactions are exactly the ones `x` names, in that order. */
export function verifyTxsMatch (block: Block, txs: Transaction[]): void {
  if (txs.length !== block.x.length) {
    throw new ChainError('BLOCK_TX_MISMATCH', `${txs.length} transactions given for ${block.x.length} ids`)
  }
  for (let i = 0; i < txs.length; i++) {
    if (!bytesEqual(txId(txs[i]), block.x[i])) throw new ChainError('BLOCK_TX_MISMATCH', `tx ${i} does not match x[${i}]`, { index: i })
  }
}

/**
 * Stateless checks of every transaction against the block time, then the one state transition.
 * All signatures are checked before any state is touched; the error keeps the tx's TX_* code
 * and gains its index, as applyBlockTxs does.
 */
export function verifyTxs (block: Block, txs: Transaction[], ctx: BlockContext): BlockTransition {
  const { genesis } = ctx
  const rules = txRulesOf(genesis)
  txs.forEach((tx, index) => {
    try {
      checkTxStatic(tx, rules, block.t)
    } catch (e) {
      if (e instanceof ChainError) throw new ChainError(e.code, `tx ${index}: ${e.message.replace(/^[A-Z_]+: /, '')}`, { ...e.data, index })
      throw e
    }
  })
  return applyBlockTxs(ctx.parentState, block.m, txs, genesis.config.blockReward)
}

/** Every §5 check in order; returns the transition (overlay of changed accounts, fees). */
export function validateBlock (block: Block, txs: Transaction[], ctx: BlockContext): BlockTransition {
  validateBlockHeader(block, ctx)
  verifyTxList(block)
  verifyTxsMatch(block, txs)
  return verifyTxs(block, txs, ctx)
}
