// Every protocol limit in one place, each with its unit in the name (docs/protocol.md §1–§8).

/** Largest encoded block, transaction, message or channel value (BEP44 item limit). */
export const MAX_ITEM_BYTES = 1000
/** Largest canonical genesis encoding; genesis is never a DHT item, so it may exceed MAX_ITEM_BYTES. */
export const MAX_GENESIS_BYTES = 65_536
/** Largest number of genesis accounts (keeps the canonical genesis under MAX_GENESIS_BYTES). */
export const MAX_GENESIS_ACCOUNTS = 512
/** Largest integer carried as a bencode integer (2^53 − 1). */
export const MAX_SAFE_INT = Number.MAX_SAFE_INTEGER
/** Base target and cumulative difficulty travel as big-endian bytes; this bounds their length. */
export const MAX_BIGINT_BYTES = 32

export const HASH_BYTES = 32
export const KEY_BYTES = 32
export const SIG_BYTES = 64
export const CHAIN_ID_BYTES = 16
export const PK_ID_BYTES = 4

export const PROTOCOL_VERSION = 1
export const MAX_FUTURE_DRIFT_S = 15
export const MIN_BLOCK_TIME_S = 10
export const MAX_GENESIS_NAME_CHARS = 16

export const MAX_TXS_PER_BLOCK = 16
export const MAX_MEMO_BYTES = 256
export const MAX_MSG_BODY_BYTES = 512

export const TX_KIND_TRANSFER = 1
export const TX_KIND_NOTE = 2
export const MSG_TYPE_TEXT = 1
export const MSG_TYPE_ENCRYPTED = 2

// Transaction pool (§8)
export const POOL_MAX_TXS = 4096
export const POOL_MAX_TXS_PER_SENDER = 16
export const POOL_NONCE_WINDOW = 16
export const POOL_MAX_TX_AGE_S = 24 * 60 * 60

// Voting (§6)
export const VOTE_MAX_PEERS = 16

// Chain rules: pool views and voting (added by the chain-rules work; see docs/consensus.md)
/** Ids a txTip item carries: own pending first, then the highest fees (§9). */
export const POOL_TIP_MAX_IDS = 8
/** A tip older than VOTE_STALE_TIP_RANGES · M · T seconds triggers a voting round (§6: 3M·T). */
export const VOTE_STALE_TIP_RANGES = 3

// Memory footprint (issue 9 item 4; docs/operations.md "Memory"). Not protocol rules: process tuning.
/**
 * V8's young generation grows by this factor (up to 16 MiB per semi-space, 32 MiB committed and
 * resident) whenever a scavenge finds it busy, and an idle node never shrinks it back: that was the
 * largest single part of an idle node's RSS. Factor 1 keeps it at V8's initial 1 MiB semi-space
 * (node/youngGeneration.ts, which bin/tau-node.js hands it to unless the user passed a semi-space flag).
 */
export const V8_SEMI_SPACE_GROWTH_FACTOR = 1
/**
 * ...except during a long sync (node/youngGeneration.ts): V8's own factor, so the young generation
 * grows to its 16 MiB semi-spaces. At 1 MiB the syncing main thread spent a quarter of its time in
 * GC (scavenges every few blocks, promoting what a block's round trips still held); a 2,000-block
 * sync ran ~20 % faster grown (docs/performance.md, sync, sixth pass). The release after the sync
 * (memory-pressure GCs) shrinks it again.
 */
export const V8_SEMI_SPACE_GROWTH_FACTOR_SYNC = 2
