// Node-level limits and timings, each with its unit in the name.

/** Known peers kept at most; the least useful (most penalised, longest unseen) go first. */
export const MAX_PEERS = 1024
/** Peers evicted at once when the set is full (one sort per this many adds, not a scan per add). */
export const PEER_EVICT_BATCH = 64
/** Penalty points after which a peer is skipped by the readers for PEER_BAN_MS. */
export const PEER_BAN_PENALTY = 10
export const PEER_BAN_MS = 10 * 60_000
/** Penalty points halve every this many ms (not while banned). Without it an honest peer that is
 *  slow under load collected one point per missed item for ever, and ten walk ends over a long
 *  sync banned the only peer a new node had for PEER_BAN_MS: the sync stood still meanwhile. With
 *  it, missing data bans only at a sustained ~3.5 misses a minute; two invalid items at once, or
 *  three a minute apart, still do. */
export const PEER_PENALTY_HALF_LIFE_MS = 2 * 60_000
/** Points a peer gets for serving invalid data, and for a tip that led nowhere. */
export const PENALTY_INVALID_DATA = 5
export const PENALTY_MISSING_DATA = 1

/** How often the readers take their next step; each step reads one channel of one peer. */
export const READER_TICK_MS = 100
/** A peer's blkTip is read at most this often (the freshest signal, so the shortest interval). */
export const BLKTIP_READ_INTERVAL_MS = 1000
/** ...and of a peer whose endpoint we know (a direct read, one round trip). Live peers push a new
 *  blkTip to us when they publish it (node/publisher.ts), so this poll is the fallback for a lost
 *  push or a peer that does not push; a push resets the peer's poll clock. */
export const BLKTIP_DIRECT_READ_INTERVAL_MS = 2000
/** A peer is pushed to only if one of its channel items verified this recently (it is running). */
export const PUSH_PEER_SEEN_WITHIN_MS = 60_000
/** A blkTip of a block this node mined is pushed to at most this many live peers (count; in pushes of
 *  MAX_PUSH_ENDPOINTS each): every peer then gets the block in one hop, instead of the 16 most recent
 *  and the rest by relays (node/pushTargets.ts). Bounds one mined block's pushes. */
export const OWN_TIP_PUSH_MAX_ENDPOINTS = 64
/** A blkTip of a block imported from another node is pushed to this many live peers (count), picked
 *  at random among those that may lack it: insurance for a lost push from the miner (each of n importers
 *  relays, so such a peer is sent about this many), not the path a block takes (node/pushTargets.ts). */
export const RELAY_PUSH_FANOUT = 4
/**
 * The network put of a blkTip naming a block this node imported (not mined) waits a random
 * RELAYED_TIP_PUT_DELAY_MIN_MS + [0, RELAYED_TIP_PUT_DELAY_SPREAD_MS) ms; the item is served to direct
 * gets and pushed at once (dht/channels.ts publish). Every node imports every block within the same
 * second or so, and each such put is a walk and k stores that every neighbourhood handles: they
 * competed with the block's own fetches while it spread. A newer tip in the meantime supersedes it.
 */
export const RELAYED_TIP_PUT_DELAY_MIN_MS = 500
export const RELAYED_TIP_PUT_DELAY_SPREAD_MS = 2000
/**
 * A new slot's republish of each channel waits a random [0, this) ms for its network put (served
 * to direct gets at once): slots are wall-clock, so every node republished every channel within the
 * same 500 ms publisher tick, a burst of walks and stores at each slot boundary. Readers that find
 * nothing in the new slot yet read the previous one, which holds the same value.
 */
export const REPUBLISH_SPREAD_MS = 3000
export const TXTIP_READ_INTERVAL_MS = 3000
export const DEMAND_READ_INTERVAL_MS = 3000
export const MSGTIP_READ_INTERVAL_MS = 3000
/**
 * A peer whose blkTip reads find nothing (a genesis account that runs no node) is read at twice
 * blkTip's interval per miss in a row, up to this (ms). Each such read is a recursive lookup that
 * every node of the neighbourhood answers, and every node asks it of every silent account: at 30 s
 * the silent accounts' probes were a quarter of an idle node's datagrams. A peer that starts later is
 * taken at once when any put or push of its items reaches us (it pushes its next tip to the peers it
 * read); when none does, within 2 × this + READER_TICK_MS (the DHT's silent-key wait,
 * dht/constants.ts SILENT_KEY_BACKOFF_MAX_MS, is as long; docs/protocol-notes.md §7).
 */
export const READ_MISS_BACKOFF_MAX_MS = 120_000
/** The same cap (ms) for a peer this node has seen live (an item of it verified): a running node
 *  that stopped answering, or one behind a NAT whose first reads missed, is probed as often as
 *  before the silent-account cap, and all its channels are read (the silence rule is for accounts
 *  never seen live). */
export const READ_MISS_BACKOFF_LIVE_MAX_MS = 30_000
/** blkTip reads in a row that found nothing after which a peer's other channels are not read until
 *  its blkTip is found (every running node publishes blkTip each slot; a miss on another channel
 *  would only put off the next probe of a silent key). */
export const SILENT_PEER_MISSES = 2
/**
 * A live peer's txTip / demand / msgTip that was empty is read at twice its interval per empty read in
 * a row, up to this (ms); the gossip reader's cap too, for a peer that announced no interval. Peers
 * push txTip and demand when they publish them, and msgTip waits for its publisher's gossip interval
 * (≥ 1 min) anyway, so this read is the fallback for a lost push. Each is a round trip to the owner
 * that every node makes to every live peer and answers for every live peer: at 24 s they were the
 * largest share of an idle node's datagrams (8 miners: the owner's "no value" 2.6 answers/s).
 * Equal to EMPTY_CHANNEL_POLL_MAX_MS, so the cap no longer grows with the live peers.
 */
export const EMPTY_CHANNEL_BACKOFF_MAX_MS = 60_000
/**
 * Reads per second of each of txTip, demand and msgTip over all live peers, at most, once they back
 * off: with more live peers than this × EMPTY_CHANNEL_BACKOFF_MAX_MS / 1000, the back-off's cap grows
 * to live peers / this (s), never above EMPTY_CHANNEL_POLL_MAX_MS. Every node reads every peer's empty
 * channels and is read by every peer, so at 32 peers the empty reads were the largest term that grew
 * with the peer count; pushes carry these channels' new items at once.
 */
export const EMPTY_CHANNEL_READS_PER_S = 1
/** The empty-channel back-off cap's ceiling however many peers (ms): the longest an item that appears
 *  without a push can go unread (msgTip: or its publisher's gossip interval, when longer). */
export const EMPTY_CHANNEL_POLL_MAX_MS = 60_000
/** Channel reads in flight at once. */
export const MAX_CONCURRENT_READS = 8
/**
 * blkTip direct polls per second over all peers, at most. Pushes are the fast path and this poll
 * the safety net for a lost push, so with more peers than this × BLKTIP_UNCHANGED_BACKOFF_MAX_MS / 1000
 * (16) each peer's poll interval grows with the peer count: a node's poll datagrams stay bounded as
 * peers grow (at 32 peers every node answered 16 polls/s and sent 16 for nothing new; at 4/s the
 * polls and their answers were still half of an idle node's datagrams beside 32 miners). Any peer that
 * imported a new block names it, so a node whose pushes were all lost finds it at the first poll of
 * any such peer, ~1 / this s on average once the block has spread; the per-peer bound
 * (docs/protocol-notes.md §7) is for a tip only its miner holds.
 */
export const BLKTIP_DIRECT_POLLS_PER_S = 2
/**
 * A live peer's blkTip read that finds the tip it already announced doubles the peer's poll interval,
 * up to this (ms); a read that finds a new tip (the pushes of it were lost) resets it. A push does not:
 * it shows the push path works, which is why the poll may wait. With the base interval at most
 * BLKTIP_POLL_MAX_MS, a tip whose every push was lost is read within max(this, base) + READER_TICK_MS.
 */
export const BLKTIP_UNCHANGED_BACKOFF_MAX_MS = 8000
/** The base blkTip poll interval's ceiling, however many peers (ms): under PUSH_PEER_SEEN_WITHIN_MS,
 *  so a peer we only poll stays one we push to. */
export const BLKTIP_POLL_MAX_MS = 30_000
/**
 * A read of txTip, demand, msgTip or gossip whose owner said it has nothing in the current slot asks
 * the previous slot too only in the first this-many ms of a slot (ReadOptions.previousSlotGraceMs):
 * time for the owner to republish into the new slot (its publisher looks every 500 ms), with room for
 * a loaded event loop. After that the previous slot holds nothing the owner still publishes, and each
 * empty read is one round trip instead of two.
 */
export const PREVIOUS_SLOT_GRACE_MS = 3000
/** Each scheduled read's interval is shortened by a random part of up to this fraction, so that nodes
 *  started together (a testnet, a restart) do not poll their peers in step. */
export const READ_JITTER_FRACTION = 0.1

/** Segments (≤ 2M blocks each) walked at once while syncing, and transactions fetched in parallel
 * (together under the getter's GET_CONCURRENCY of 32, leaving room for channel reads). */
export const SYNC_BLOCK_FETCH_CONCURRENCY = 16
export const SYNC_TX_FETCH_CONCURRENCY = 24
/** Tries per item (a block of the walk, a transaction of the branch) of a sync, and extra tries one
 *  walk may spend. An item is asked again only while the peer delivers the walk's other items
 *  (node/pipelines/syncRetry.ts): a late answer from a busy peer ended the whole walk (1–9 times per
 *  2,000-block bench sync, each end costing 7–40 s before the next walk), and a peer that lacks the
 *  branch gets no retry. The budget bounds what a peer serving part of a branch can make a walk
 *  wait: each try is at most the getter's GET_TIMEOUT_MS (5 s), SYNC_TX_FETCH_CONCURRENCY of them
 *  at once. */
export const SYNC_FETCH_ATTEMPTS = 3
export const SYNC_RETRY_BUDGET = 64
/** A sync that extends our tip imports this many blocks at a time while later transactions still arrive. */
export const SYNC_IMPORT_CHUNK_BLOCKS = 256
/** Blocks a sync holds walked but not yet imported at most (memory stays flat however long the branch). */
export const SYNC_WINDOW_BLOCKS = 4 * SYNC_IMPORT_CHUNK_BLOCKS
/** A sync to a tip at least this many blocks ahead pre-verifies signatures in worker threads (node/verifyPool.ts). */
export const SYNC_PREVERIFY_MIN_BLOCKS = 64
/** Signatures per message to a sync's verify worker (node/verifyPool.ts) at most, and how long, in ms,
 *  the first queued one waits for more before its batch goes anyway. A 2,000 × 8 sync posted a few
 *  signatures per message (a flush per event-loop turn): postMessage was ~3 % of its main thread.
 *  Imports do not wait for the timer: they flush what they need at once. */
export const VERIFY_BATCH_SIGS = 256
export const VERIFY_BATCH_WAIT_MS = 20
/** While a sync runs, one 'sync progress' log line this often (never one per block). */
export const SYNC_PROGRESS_LOG_MS = 5000
/** Blocks/s in /status and the progress line is measured over the imports of this recent window. */
export const SYNC_PROGRESS_WINDOW_MS = 10_000
/** Longest branch fetched in one sync (a deeper one is fetched in several rounds). */
export const SYNC_MAX_BRANCH_BLOCKS = 100_000
/** Candidate tips queued for sync at most; older ones are dropped for newer. */
export const SYNC_MAX_CANDIDATES = 64
/** Tips of refused branches remembered so that re-announcements cost no walk (oldest dropped first). */
export const SYNC_REFUSED_TIPS_KEPT = 256
/** Peers' tip blocks fetched at once before any sync (a claimed difficulty buys nothing until its
 *  block is fetched and checked; node/pipelines/syncTips.ts). A fetch that misses costs up to a
 *  direct-get timeout plus a recursive lookup, so a few at once keep one slow peer from delaying
 *  the others. */
export const SYNC_TIP_PROBE_CONCURRENCY = 4
/** A peer whose tip block could not be fetched (or was bad) is not asked again for this long × 2^(misses − 1)... */
export const SYNC_TIP_MISS_BACKOFF_MS = 2000
/** ...up to this. */
export const SYNC_TIP_MISS_BACKOFF_MAX_MS = 60_000

/** Ids the node keeps asking for in its demand item at most, and how long each stays. */
export const DEMAND_MAX_IDS_PER_KIND = 8
export const DEMAND_ID_TTL_MS = 5 * 60_000
/** Puts answered per peer's demand read, at most. */
export const DEMAND_MAX_PUTS_PER_READ = 24
/**
 * An item put because a peer demanded it (a block, transaction or message for the demand responder,
 * a message for the gossip demand reader) is not put again for this long, however often it is asked.
 */
export const REPUT_AFTER_MS = 10_000
/**
 * The demand responder's gap before putting the same item again doubles from REPUT_AFTER_MS with each
 * re-put, up to this (ms). Every peer that holds a demanded item answers the demand: one that stands
 * (its node no longer fetches the id, e.g. a block of an abandoned fork) had every holder put it
 * every 10 s for DEMAND_ID_TTL_MS, 30 puts each; now 5. The first put stores it; later ones only
 * cover nodes that left the neighbourhood since.
 */
export const REPUT_AFTER_MAX_MS = 160_000
/** Ids the demand responder remembers as recently put (the least recently put is forgotten first). */
export const DEMAND_RECENT_PUTS_MAX = 4096

/** Delay between a pool change and the txTip publication (batches bursts of transactions). */
export const TXTIP_PUBLISH_DEBOUNCE_MS = 500
/** Transactions fetched in parallel from peers' txTip ids. */
export const POOL_FETCH_CONCURRENCY = 8

/** Grace period after the first SIGINT/SIGTERM before a forced exit. */
export const SHUTDOWN_GRACE_MS = 10_000

/**
 * Listeners allowed on the node's one AbortSignal. Every queued or running DHT get, RPC and channel
 * read attaches one and removes it when it settles; the get queue bounds them (MAX_QUEUED_GETS +
 * GET_CONCURRENCY per Getter). Node's default of 10 would print MaxListenersExceededWarning under
 * ordinary sync concurrency.
 */
export const MAX_ABORT_LISTENERS = 4096

/**
 * A miner fires within its planned (whole) second at an offset below this, ordered by its unrounded
 * hit time (chain/miner.ts plannedMiningFor), so keys due in the same second do not mine siblings.
 * Kept under a second with room for the block to be built and sent within that second.
 */
export const MINING_SUBSECOND_SPREAD_MS = 800

/** Voting rounds kept for /votes and the UI (oldest dropped first). */
export const VOTE_REPORTS_KEPT = 16
/** How often the stale-tip voting trigger is checked, ms. */
export const VOTE_STALE_CHECK_MS = 5000
/** A node that started on an empty chain votes again this often (ms) while no round has decided... */
export const VOTE_NEW_NODE_RETRY_MS = 10_000
/** ...at most this many rounds; then it settles for the heaviest chain it holds (docs/protocol-notes.md §11). */
export const VOTE_NEW_NODE_MAX_ROUNDS = 12
/** A trusted checkpoint not held yet is looked for again this often, ms. */
export const TRUSTED_CHECKPOINT_RETRY_MS = 10_000
/** A sync to a checked tip holds the miner back (its tip is about to move) at most this long past
 *  the miner's planned time; then it mines anyway. Kept well under the 5 s that issue 14 allows a
 *  block to be late, with room for the retry step and the import. */
export const MINING_SYNC_HOLD_MAX_MS = 2500
/** How often a held miner looks again whether the sync is over. */
export const MINING_SYNC_RETRY_MS = 250
/** Candidate blocks on our tip whose transactions the mining pipeline gathers at once (count); more wait for sync. */
export const MINING_CANDIDATES_MAX = 4
/** How long such a candidate may wait for its transactions before it is left to sync (ms). */
export const MINING_CANDIDATE_TTL_MS = 10_000
// ---- public API mode (--api-public): limits per client IP, for binding beyond loopback ----------
/** Requests a client IP may make per second on average (token bucket refill rate). */
export const API_PUBLIC_RATE_PER_S = 20
/** Requests a client IP may make in one burst (token bucket size). */
export const API_PUBLIC_BURST_REQUESTS = 40
/** Requests of one client IP in flight at once; more get 429. */
export const API_PUBLIC_MAX_CONCURRENT_PER_IP = 8
/** Requests in flight at once over all clients; more get 503. */
export const API_PUBLIC_MAX_CONCURRENT = 256
/** Open /events streams per client IP. */
export const API_PUBLIC_MAX_STREAMS_PER_IP = 4
/** Client IPs whose buckets are remembered at most (the longest idle are forgotten first). */
export const API_PUBLIC_MAX_TRACKED_IPS = 10_000
/** A handler that has not answered by then gets 503 TIMEOUT (public mode). */
export const API_PUBLIC_HANDLER_TIMEOUT_MS = 5_000
/** Whole request (headers and body) must arrive within this (public mode; 30 s otherwise). */
export const API_PUBLIC_REQUEST_TIMEOUT_MS = 10_000
/** Request headers must arrive within this (public mode; 10 s otherwise). */
export const API_PUBLIC_HEADERS_TIMEOUT_MS = 5_000
/** How often the request and headers timeouts are checked (public mode; node:http's default is 30 s). */
export const API_PUBLIC_TIMEOUT_CHECK_MS = 1_000
/** TCP connections the server accepts at once (public mode). */
export const API_PUBLIC_MAX_CONNECTIONS = 1024
/** Pool drops remembered for GET /tx/:id/status (node/droppedTxs.ts): at most this many, this long. */
export const DROPPED_TXS_MAX = 4096
export const DROPPED_TX_TTL_MS = 60 * 60_000
/**
 * After a long sync (node/memory.ts): full GCs this far apart, in ms, at most RELEASE_MAX_GCS of them,
 * until one gives back less than RELEASE_MIN_GAIN_MB of V8's committed heap. The first frees the sync's
 * objects but V8 keeps most old-space pages committed; each later GC hands back more (8,000 blocks:
 * heapTotal 203 → 166 → 109 → 87 → 71 → 60 MB over six GCs, for a 45 MB live heap; a cap of 4 stopped
 * while each GC still gave back ~25 MB).
 */
/**
 * Once, this long (ms) after the node is ready: the same release for what starting left (module
 * loading, the catch-up sync of a node that was a few blocks behind, the first voting round), which
 * no sync release covers (those follow syncs of SYNC_PREVERIFY_MIN_BLOCKS or more). Measured on an
 * idle node 60 s after a 50-block catch-up: docs/performance.md, Round 4, memory, fourth pass.
 */
export const RELEASE_AFTER_READY_MS = 20_000
export const RELEASE_GC_GAP_MS = 5_000
export const RELEASE_MAX_GCS = 8
export const RELEASE_MIN_GAIN_MB = 4
/**
 * Between syncs (node/memory.ts keepMemoryFlat): V8's heap is read every IDLE_RELEASE_CHECK_MS (ms);
 * once it holds IDLE_RELEASE_GROWTH_MB (MB) more than the least since the last release, a release
 * of IDLE_RELEASE_MAX_GCS memory-pressure GC (tens of ms of main thread) and a trim runs, at most
 * once per IDLE_RELEASE_MIN_GAP_MS (ms) on a node that does not mine, once per
 * IDLE_RELEASE_MIN_GAP_MINING_MS (ms) on one that mines. A release every 5 min left an idle node at
 * 82.6 MB RSS 4 min after one (76 MB just after); every 30 s it stayed at 74–75 MB for 1.38 % of a
 * core beside 8 miners. On 32 miners of a saturated 2-core machine the 30 s release (2 GCs then)
 * propagated worse in one run (such a GC also lets V8 drop compiled code that a busy node compiles
 * again): a miner keeps its CPU for mining (docs/performance.md, memory, sixth pass).
 */
export const IDLE_RELEASE_CHECK_MS = 5_000
export const IDLE_RELEASE_GROWTH_MB = 4
export const IDLE_RELEASE_MAX_GCS = 1
export const IDLE_RELEASE_MIN_GAP_MS = 30_000
export const IDLE_RELEASE_MIN_GAP_MINING_MS = 300_000
