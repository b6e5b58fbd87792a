// Limits and defaults of the operations commands (genesis new, backup, restore, schema migration).

/** Defaults of `tau-node genesis new` when a flag is left out (the devnet's values). */
export const GENESIS_NEW_DEFAULTS = {
  /** Target block interval, seconds. */
  blockTimeS: 10,
  /** Mutable range M, blocks. */
  mutableRangeBlocks: 6,
  /** Smallest fee, base units. */
  minFee: 1,
  /** Block reward, base units. */
  blockReward: 10
} as const
