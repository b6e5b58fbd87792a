// Messaging limits and timings, each with its unit in the name (PROTOCOL §3, §9; seed design
// "TAU communication on DHT": gossip frequency 1, 5, 10, 30 or 60 minutes, publish at once when new).

/** Gossip intervals `q` a node may announce (minutes; PROTOCOL §9, seed design). */
export const GOSSIP_INTERVALS_MIN: readonly number[] = [1, 5, 10, 30, 60]
/** The interval announced while no conversation is active (minutes). */
export const GOSSIP_DEFAULT_INTERVAL_MIN = 10
/** The interval announced while a conversation is active (minutes). */
export const GOSSIP_ACTIVE_INTERVAL_MIN = 1
/** A conversation is active until this long after the last message sent or received (ms). */
export const CONVERSATION_QUIET_MS = 5 * 60_000
/** How often the gossip publisher checks for a quiet period's end and a new slot to push (ms). */
export const GOSSIP_PUBLISHER_TICK_MS = 1000
/** Something new to gossip is published after this short delay (batches bursts). */
export const GOSSIP_PUBLISH_DEBOUNCE_MS = 200
/** Observations kept locally (the published item carries the newest MAX_GOSSIP_ENTRIES). */
export const GOSSIP_BOOK_MAX_ENTRIES = 64
/** Observations older than this (minutes) are neither published nor acted on. */
export const GOSSIP_MAX_AGE_MIN = 24 * 60
/** A peer's gossip item is read at most this often. */
export const GOSSIP_READ_INTERVAL_MS = 3000
/** How often the gossip reader takes a step (one peer per step). */
export const GOSSIP_READER_TICK_MS = 250
/** Gossip reads in flight at once. */
export const GOSSIP_MAX_CONCURRENT_READS = 2

/** Messages fetched from the DHT in one chain walk; a longer gap is continued on the next tip read. */
export const CHAIN_MAX_FETCH_PER_WALK = 64
/** Stored messages a walk passes through at most (an already-fetched, not yet linked segment). */
export const CHAIN_MAX_WALK = 10_000
/** Chain syncs queued at most (one entry per sender; a newer tip replaces an older one). */
export const SYNC_QUEUE_MAX = 256
/** Chain syncs running at once. */
export const SYNC_CONCURRENCY = 4
/** Senders whose chain heads the node keeps at most. */
export const MAX_TRACKED_SENDERS = 4096

/** GET /messages: default and largest page size. */
export const LIST_DEFAULT_LIMIT = 50
export const LIST_MAX_LIMIT = 200
/** GET /messages without a peer: senders scanned at most. */
export const LIST_MAX_SENDERS = 256
/** POST /messages: longest text in UTF-8 bytes (the body limit minus encryption overhead). */
export const MAX_TEXT_BYTES = 512 - 28

/** Friends kept at most; a friend's name at most (UTF-8 bytes). */
export const MAX_FRIENDS = 256
export const MAX_FRIEND_NAME_BYTES = 32
/** Contact requests kept at most (the oldest goes first). */
export const MAX_CONTACT_REQUESTS = 64
/** Messages of each side a conversation view reads at most (newest first). */
export const CONVERSATION_MAX_SCAN = 2000

/** Gossip observation types (`y`): 1 and 2 are message types (text, encrypted); 0 is a demand. */
export const GOSSIP_Y_DEMAND = 0
