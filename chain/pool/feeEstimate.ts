// The fee estimate (wallet `--fee auto`, GET /fees/estimate): the lowest fee that would have entered
// the next block given the pool now. The next block takes the mining selection (select.ts: highest
// fees first, each sender's nonces in order, at most MAX_TXS_PER_BLOCK). While that selection has
// room, any fee ≥ minFee gets in; once full, a newcomer must rank before its last pick, and equal
// fees go first-come, so it needs one more than the lowest fee picked.
import { MAX_TXS_PER_BLOCK } from '../constants.js'
import type { Transaction } from '../tx.js'

export interface FeeEstimate {
  /** Suggested fee, never below minFee. */
  fee: number
  minFee: number
  /** Transactions the next block would take from the pool now, and its capacity. */
  nextBlockTxs: number
  maxBlockTxs: number
  /** Lowest fee among them (null when the selection is empty). */
  lowestIncludedFee: number | null
  poolSize: number
}

export function estimateFee (selected: readonly Transaction[], minFee: number, poolSize: number, maxBlockTxs = MAX_TXS_PER_BLOCK): FeeEstimate {
  let lowest: number | null = null
  for (const tx of selected) if (lowest === null || tx.e < lowest) lowest = tx.e
  const full = selected.length >= maxBlockTxs && lowest !== null
  const fee = full ? Math.max(minFee, (lowest as number) + 1) : minFee
  return { fee, minFee, nextBlockTxs: selected.length, maxBlockTxs, lowestIncludedFee: lowest, poolSize }
}
