// Every limit of the store, each with its unit in the name.

/** On-disk layout version in the meta record; bump it when a key or record format changes. */
export const STORE_SCHEMA_VERSION = 2

/**
 * Decoded blocks kept in memory (ancestor walks, contexts, the tip's neighbourhood: 3M blocks is the
 * deepest fork the chain considers). ~2 kB each with their cached encodings: ~4 MB full.
 */
export const BLOCK_CACHE_ENTRIES = 2048
/**
 * Decoded transactions kept in memory (branch replays re-read recent blocks' transactions; peers'
 * gets are served from stored bytes, not from here). ~0.7 kB each: ~6 MB full.
 */
export const TX_CACHE_ENTRIES = 8192
/**
 * Tip-state accounts kept in memory, including "absent" answers. ~0.4 kB each: ~7 MB full. At 65,536
 * the cache alone grew the live heap by ~20 MB between a 2,000- and an 8,000-block sync (every
 * transfer of the bench chain creates an account); a miss is one LevelDB read.
 */
export const ACCOUNT_CACHE_ENTRIES = 16_384

/** Staged (fetched, not yet validated) items the store accepts before refusing new ones. */
export const MAX_STAGED_ITEMS = 8192

/** Main-chain blocks (with their txs, undo and info) checked at open; older ones only by verify(). */
export const OPEN_CHECK_RECENT_BLOCKS = 64
/** Blocks replayed per batch during reindex (bounds memory and the size of one LevelDB write). */
export const REINDEX_BATCH_BLOCKS = 256
/** Candidate tips reindex tries when the stored tip is unusable. */
export const REINDEX_MAX_TIP_CANDIDATES = 16
/** Iterator read-ahead for full scans: 1 MiB doubles scan speed (dependency-benchmarks.md §4). */
export const SCAN_HIGH_WATER_MARK_BYTES = 1 << 20
/** Entries fetched per iterator step in scans. */
export const SCAN_CHUNK_ENTRIES = 1000

/** Largest undo record: 2 accounts per transaction plus the miner, ~80 bytes each, with slack. */
export const MAX_UNDO_RECORD_BYTES = 8192

/** Blocks listed for one transaction at most (it can sit in side blocks too). */
export const MAX_TX_LOCATIONS = 64

/** Main-chain blocks per LevelDB batch while the account index is built (migration, reindex). */
export const ACCOUNT_INDEX_MIGRATE_BATCH_BLOCKS = 512
/** Lanes of the state digest (LtHash, digest.ts): 1024 lanes of 16 bits = a 2,048-byte value. */
export const DIGEST_LANES = 1024
/** Expanded digest elements kept for the commit path (digest.ts ElementCache): 2 KiB each, ~2 MB full. */
export const DIGEST_ELEMENT_CACHE_ENTRIES = 1024
/** Bytes of the digest record: 1 version byte, 8-byte account count, the lanes (little-endian u16). */
export const DIGEST_RECORD_BYTES = 1 + 8 + 2 * DIGEST_LANES
/**
 * Accounts whose digest the open check recomputes in full (one scan and one SHAKE256 per account:
 * 20,000 accounts took 3.4–4.9 s on the 2-core test VM at load average 13, a fraction of that on
 * an idle core). A store with more accounts gets a decoded sample instead; `tau-node check`
 * always recomputes the digest in full.
 */
export const OPEN_CHECK_DIGEST_MAX_ACCOUNTS = 20_000
/**
 * Main-chain index entries (height → id, block and info present) the open check walks in full from
 * genesis: 20,000 heights took 1.0–1.8 s on the 2-core test VM at load average 10.
 */
export const OPEN_CHECK_INDEX_MAX_ENTRIES = 20_000
/** Heights sampled at random (block decoded, linked to its parent) beyond those checked in full. */
export const OPEN_CHECK_INDEX_SAMPLE_HEIGHTS = 256
/** Accounts sampled at open (decoded) on a store too big for the full digest scan. */
export const OPEN_CHECK_ACCOUNT_SAMPLE = 4096

/** LevelDB's repair of a damaged store runs in a child process that is killed after this long. */
export const LEVEL_REPAIR_TIMEOUT_MS = 10 * 60_000
/** Salvage (when LevelDB's repair fails): skips over unreadable key ranges, at most this many per store. */
export const SALVAGE_MAX_SKIPS = 4096
/** Records copied per batch by the salvage. */
export const SALVAGE_BATCH_RECORDS = 1000

/** Blocks whose records one schema-migration batch writes (bounds memory and one LevelDB write). */
export const SCHEMA_MIGRATE_BATCH_BLOCKS = 512
/** Records copied per LevelDB batch into the backup made before a schema migration. */
export const SCHEMA_BACKUP_BATCH_RECORDS = 4096
