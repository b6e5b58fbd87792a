// Every limit of the Chain, each with its unit in the name.

/** Blocks whose parent is unknown, kept until the parent arrives (oldest evicted first). */
export const MAX_PENDING_BLOCKS = 512
/** Ids of blocks found invalid, kept in memory so a peer cannot make us validate them twice. */
export const MAX_INVALID_BLOCK_IDS = 8192
/** Imports waiting in the serial queue before new ones are refused (CHAIN_QUEUE_FULL). */
export const MAX_IMPORT_QUEUE_JOBS = 1024
/** Blocks in one importBranch call; sync hands longer histories over in chunks. */
export const MAX_BRANCH_BLOCKS = 1024
/** Better forks in the voting range remembered until a vote decides (weakest dropped first). */
export const MAX_VOTE_CANDIDATES = 8
/** Warning-range forks kept for the node's status (oldest dropped first). */
export const MAX_WARNINGS_KEPT = 16
/** Ids returned by locator(): tip, then exponentially spaced ancestors, then genesis. */
export const MAX_LOCATOR_IDS = 64

/**
 * Failures that say nothing lasting about the block: its time is ahead of our clock, or the caller
 * gave the wrong transactions or context. Such blocks are not remembered as invalid.
 */
export const TRANSIENT_BLOCK_ERRORS: ReadonlySet<string> = new Set([
  'BLOCK_FROM_FUTURE', 'BLOCK_TX_MISMATCH', 'BLOCK_CONTEXT_BAD_ANCESTOR'
])
