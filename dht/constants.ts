// Every DHT limit and timeout in one place, each with its unit in the name (PROTOCOL §9).
// Engine options may override the tunables per instance (tests, benchmarks); the wire limits
// (byte sizes) are protocol and are not configurable.

// ---- wire limits (BEP44 + PROTOCOL §1) -------------------------------------------------------

/** Largest bencoded `v` we store, serve or accept in a get answer (BEP44: ≤ 1000). */
export const MAX_VALUE_BYTES = 1000
/** Deepest list/dict nesting inside `v`; TAU values nest at most 4 deep (gossip: d → l → d → s). */
export const MAX_VALUE_DEPTH = 8
/** BEP44 salt limit. */
export const MAX_SALT_BYTES = 64
/** Write tokens are 32-byte hashes here; anything longer than this is hostile. */
export const MAX_TOKEN_BYTES = 64
/** KRPC transaction ids are short strings (2 bytes from k-rpc-socket). */
export const MAX_TID_BYTES = 16
/** Longest query name we look at (`announce_peer` is 13). */
export const MAX_QUERY_NAME_BYTES = 16
/** Node ids, targets and info hashes are SHA-256 sized. */
export const ID_BYTES = 32
export const PUBLIC_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64
/** Compact IPv4 endpoint: 4 address bytes + 2-byte big-endian port. */
export const COMPACT_ENDPOINT_BYTES = 6
/** Transaction id bytes of every query this node sends (k-rpc-socket writes a 16-bit counter): a
 *  reply with a tid of another length answers none of them. */
export const QUERY_TID_BYTES = 2
/** One contact in a reply's `nodes` string: id + compact endpoint. */
export const COMPACT_NODE_BYTES = ID_BYTES + COMPACT_ENDPOINT_BYTES
/** Peer entries in a `get_peers` reply's `values` list we look at, at most (a UDP packet holds fewer). */
export const MAX_REPLY_VALUES = 256

// ---- routing ---------------------------------------------------------------------------------

/** Bucket size and replication target (BEP5's k). The library default (20) would store every
 *  item on every node of a small network and make each mutable get verify ~20 answers. */
export const DHT_K = 8
/** Nodes returned in find_node/get replies. The library sends its whole routing table
 *  (reflection amplification); BEP5 says the k closest. */
export const MAX_REPLY_NODES = 8
/** In-flight UDP queries per engine (k-rpc concurrency). */
export const DHT_CONCURRENCY = 16
/** Per-query UDP timeout, loopback/LAN network: no query waits longer than this for its answer. */
export const QUERY_TIMEOUT_MS = 1000
/** k-rpc-socket expires a query after 1 to 1.25 times the timeout it is given (it checks every
 *  quarter of it, four checks to live), so the engine gives it this fraction of the query timeout:
 *  a query to a silent node then ends after 0.6 to 0.75 times QUERY_TIMEOUT_MS. The rest is room
 *  for a late timer: with 0.75 (0.75–0.94×) the 1,000-node simulation still saw waits of 1.08×
 *  when the event loop ran ~0.1 s late. */
export const LIBRARY_TIMEOUT_FRACTION = 0.6
/** Longest wait for the bootstrap self-lookup before start() resolves anyway. */
export const BOOTSTRAP_TIMEOUT_MS = 3000
/** Most routing-table entries written to the data dir on stop. */
export const MAX_SAVED_NODES = 256

// ---- storage ---------------------------------------------------------------------------------

/** Items other nodes put here (LRU by count). */
export const MAX_STORED_VALUES = 4096
/** ...and by total bytes (value + key + signature + salt per entry). */
export const MAX_STORED_BYTES = 4 * 1024 * 1024
/** Own mutable items kept for serving (5 channels × current and previous slot, with room). */
export const MAX_OWN_ITEMS = 64

// ---- rate limits -----------------------------------------------------------------------------

/** Sustained puts accepted per source IP+port. A publisher puts ~5 channel items per slot and
 *  answers demand with up to 24 items at once; this leaves ample headroom for honest peers. */
export const PUT_RATE_PER_SOURCE_PER_S = 50
/** Token bucket depth per source. */
export const PUT_BURST_PER_SOURCE = 200
/** Sources tracked by the rate limiter (oldest forgotten first). */
export const MAX_RATE_LIMIT_SOURCES = 4096

// ---- get / put -------------------------------------------------------------------------------

/** Wait for a verified direct answer from the owner before going recursive (PROTOCOL §9). */
export const DIRECT_GET_TIMEOUT_MS = 1000
/** A direct get is sent again when no answer came within the retransmission timeout learnt from
 *  answered direct queries (dht/retransmit.ts), clamped to [MIN, MAX] ms; MAX before any answer. A
 *  lost datagram then costs about one RTO instead of the whole DIRECT_GET_TIMEOUT_MS. The floor keeps
 *  a loaded loopback node (answers in a few ms, stalls of ~100 ms) from doubling its queries. */
export const DIRECT_RETRANSMIT_MIN_MS = 150
export const DIRECT_RETRANSMIT_MAX_MS = 500
/** Sends of one direct get at most (the first and its retransmissions), all within DIRECT_GET_TIMEOUT_MS. */
export const DIRECT_MAX_SENDS = 3
/** Whole get, direct attempt included; a get that runs out resolves null (a miss). */
export const GET_TIMEOUT_MS = 5000
/** Gets running at once (distinct targets). */
export const GET_CONCURRENCY = 32
/** Gets waiting for a slot; beyond this a get is refused with DHT_QUEUE_FULL. */
export const MAX_QUEUED_GETS = 1024
/** Longest a put waits for its lookup and stores before it counts as failed. */
export const PUT_TIMEOUT_MS = 10_000
/**
 * Stores a recursive put waits for before it answers its caller (count of nodes; fewer when the
 * lookup found fewer). The other stores of the k still go out and finish in the background.
 */
export const PUT_STORE_QUORUM = 4
/**
 * A channel put that waits (Channels.publish's delayMs) goes out at least this long (ms) before its
 * slot ends, so it is stored before the next slot's readers look back at it (PROTOCOL §9); the
 * time a put takes over a slow link, with room for a late timer.
 */
export const DEFERRED_PUT_SLOT_MARGIN_MS = 1500

// ---- push (a new item put directly to the endpoints of live peers) ---------------------------

/** Endpoints one push goes to at most (the publisher picks its most recently seen peers). */
export const MAX_PUSH_ENDPOINTS = 16
/** Wait for each step of a push (token get, put) to one endpoint. Loopback / LAN. */
export const PUSH_TIMEOUT_MS = 1000
/** A write token is reused for this long. bittorrent-dht rotates its token secret every 5 minutes
 *  and accepts the current and the previous one, so a token is good for at least 5 minutes. */
export const TOKEN_MAX_AGE_MS = 4 * 60_000
/** Write tokens kept (one per endpoint that answered us; oldest dropped first). */
export const MAX_KEPT_TOKENS = 1024
/** Mutable items whose last verified signature is remembered (no second check of the same bytes). */
export const MAX_VERIFIED_CACHE = 1024

// ---- silent publishers -----------------------------------------------------------------------

/** Mutable gets in a row under one key that found nothing (no owner endpoint given) after which
 *  further gets under that key without an endpoint wait (each was a recursive lookup that every
 *  node of the neighbourhood answered, for a key that publishes nothing: an account with no node). */
export const SILENT_KEY_MISSES = 4
/** First wait after SILENT_KEY_MISSES, doubled per further miss, up to the max. */
export const SILENT_KEY_BACKOFF_MS = 2000
/** (ms) As long as the node's READ_MISS_BACKOFF_MAX_MS: a shorter wait here lets the first read after
 *  it probe, a longer one delays finding a key that starts publishing (node/constants.ts states the bound). */
export const SILENT_KEY_BACKOFF_MAX_MS = 120_000
/** Keys tracked (oldest forgotten first: a forgotten key is simply asked again). */
export const MAX_SILENT_KEYS = 4096

// ---- stats -----------------------------------------------------------------------------------

/** Latency samples kept per histogram (a ring; percentiles cover the most recent ones). */
export const HISTOGRAM_SAMPLES = 1024

// ---- external endpoint (BEP 42 `ip` key, external.ts) -----------------------------------------

/** Reporters (distinct IPs, or ip:ports on a one-IP network) that must name the same endpoint before
 *  it is adopted as this node's public endpoint. */
export const EXTERNAL_MIN_AGREEING = 3
/** A reporter's latest report counts for this long; after that it must report again. */
export const EXTERNAL_REPORT_TTL_MS = 10 * 60_000
/** Reporters remembered (oldest report dropped first). */
export const EXTERNAL_MAX_REPORTERS = 256

// ---- link emulation (testnet only, link.ts) ---------------------------------------------------

/** Highest emulated one-way delay (and jitter) per outgoing datagram. */
export const LINK_MAX_LATENCY_MS = 5000
/** Highest emulated loss, percent of outgoing datagrams. */
export const LINK_MAX_LOSS_PCT = 50
/** Datagrams held back at once; beyond this a datagram is dropped (counted as overflow), so a
 *  burst on a slow emulated link cannot grow memory without bound. */
export const LINK_MAX_HELD_DATAGRAMS = 8192

// ---- immutable lookup (lookup.ts) -------------------------------------------------------------

/** Queries in flight at once in one immutable get's walk (Kademlia's alpha; libtorrent's default
 *  search branching is similar). The library's own walk asks the k closest at once. */
export const IMMUTABLE_LOOKUP_ALPHA = 3
/** Queries one immutable get's walk sends at most (a network of thousands needs far fewer). */
export const IMMUTABLE_LOOKUP_MAX_QUERIES = 256
// ---- the walk of puts and mutable gets (walk.ts, lookupMutable.ts, storeRound.ts) ----------------

/** Queries in flight at once in a mutable get's or a put's token walk. Both go to the end of the
 *  walk (the k closest must answer), so more branches than the immutable get's first-answer walk;
 *  libtorrent's default search branching is 5. */
export const WALK_ALPHA = 5
/** A walk's query unanswered this long, ms, is slow: it stops counting against the walk's alpha
 *  and the next candidate is asked beside it (libtorrent's short timeout does the same). The most
 *  it can be: above a WAN round trip (the emulated 80 ± 20 ms link: 120–200 ms), a quarter of
 *  QUERY_TIMEOUT_MS; it applies until the walk's first answer. */
export const WALK_SLOW_MS = 250
/** After the first answer the slow time is this many times the walk's slowest answer so far… */
export const WALK_SLOW_RTT_FACTOR = 4
/** …but never below this, ms (a loaded event loop delays loopback answers by tens of ms). */
export const WALK_SLOW_MIN_MS = 50
/** A walk starts from this many times k of the routing table's nodes nearest the target (not k):
 *  only the k nearest that have not failed are asked, so the others cost nothing while those
 *  answer, but when some of them are silent the walk goes on to the next ones it knows instead of
 *  ending with whatever the silent ones did not tell it. */
export const WALK_START_CANDIDATES_PER_K = 2
/** Queries one mutable get's walk sends at most. */
export const MUTABLE_LOOKUP_MAX_QUERIES = 256
/** Queries one put's token walk sends at most. */
export const PUT_LOOKUP_MAX_QUERIES = 256
/** A put's token walk result (the k closest nodes and their write tokens) is reused by a later put
 *  to the same target for this long, ms. Write tokens are valid 5 to 10 minutes (the secret
 *  rotates every 5); the library kept its tables 5 minutes too. */
export const PUT_TABLE_MAX_AGE_MS = 5 * 60_000
/** Put targets whose token walk result is kept at once (the library's default, 1,000). */
export const MAX_PUT_TABLES = 1000
/** Requester hosts whose write token is remembered per token secret (tokenMemo.ts); past this the
 *  memo starts again empty. A token is SHA-256(host ‖ secret): one per host per 5-minute secret. */
export const MAX_TOKEN_MEMO_HOSTS = 4096

// ---- KRPC transport (krpcSocket.ts, krpcDecode.ts, krpcEncode.ts) --------------------------------

/** Largest incoming datagram decoded, bytes. The largest message here is a get reply or a put:
 *  a 1,000-byte value, a 64-byte signature, a key, a salt, a token and 8 contacts (~1.6 KB). */
export const KRPC_MAX_DATAGRAM_BYTES = 4096
/** Deepest list/dict nesting in a whole message: the envelope and `a`/`r` (2) plus MAX_VALUE_DEPTH
 *  inside `v`, with room. The decoder recurses, so this also bounds its stack. */
export const KRPC_MAX_DEPTH = 12
/** Keys (count) up to which the KRPC encoder orders a dict's keys by insertion; more go to Array.prototype.sort. */
export const KRPC_INSERTION_SORT_MAX_KEYS = 16
/** Most decimal digits in an integer or a string length (2^53 − 1 has 16). */
export const KRPC_MAX_INT_DIGITS = 16
/** A query expires after this many sweeps of the transaction table without an answer (a sweep
 *  every quarter of the query timeout: 1 to 1.25 times the timeout, as k-rpc-socket did, which
 *  LIBRARY_TIMEOUT_FRACTION relies on). */
export const KRPC_QUERY_SWEEPS = 4
/** Requester hosts whose 4 address bytes are kept for BEP 42's `ip` (the cache starts again empty past this). */
export const KRPC_MAX_CACHED_HOSTS = 1024

// ---- sequence clock (seq.ts) ------------------------------------------------------------------

/** The publisher's seq clock persists a reservation this far (ms of seq) past the seq it hands out
 *  and writes again only when a seq would pass it: one synchronous file write per this much wall
 *  time instead of one per channel publish (a write-and-rename was 4 % of a syncing node's main
 *  thread). After a crash the clock resumes past the reservation, so at most this far ahead of
 *  wall time, and never at a seq it may have handed out. */
export const SEQ_RESERVE_MS = 60_000
