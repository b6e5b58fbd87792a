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

/** First bytes of a backup file (format 1; docs/operations.md "Backup and restore"). */
export const BACKUP_MAGIC = 'TAU-BACKUP-1\n'
/** Largest header line of a backup file, bytes (a small JSON object). */
export const BACKUP_MAX_HEADER_BYTES = 4096
/** Largest key of a backed-up record, bytes (store keys are at most 75 bytes). */
export const BACKUP_MAX_KEY_BYTES = 1024
/** Largest value of a backed-up record, bytes (a block with its info is a few kB; genesis ≤ 64 KiB). */
export const BACKUP_MAX_VALUE_BYTES = 4 * 1024 * 1024
/** Records per LevelDB batch while a restore writes them (bounds memory and one write). */
export const RESTORE_BATCH_RECORDS = 2048
/** Records the node reads from its snapshot per step while it streams a backup. */
export const BACKUP_READ_CHUNK_RECORDS = 1024
/** How long `tau-node backup` waits for the whole stream before it gives up, ms. */
export const BACKUP_TIMEOUT_MS = 30 * 60_000

/** Tries to resolve a host-name bootstrap entry at start (a peer container may not exist yet). */
export const BOOTSTRAP_RESOLVE_ATTEMPTS = 30
/** Pause between those tries, ms (30 × 1 s: the start waits at most ~30 s per name). */
export const BOOTSTRAP_RESOLVE_INTERVAL_MS = 1000
/** Longest DNS host name, characters (RFC 1035). */
export const MAX_HOST_NAME_CHARS = 253
/** How often a running node resolves its host-name bootstrap entries again, ms. */
export const BOOTSTRAP_REFRESH_INTERVAL_MS = 60_000
