// Limits and defaults of the DHT simulation bench (dhtsim.bench.ts), each with its unit. The knobs
// read from the environment are bounded here too, so a typo cannot start 100,000 sockets.

/** Network sizes simulated by default (DHTSIM_SIZES=64,256 for a quick run). */
export const DEFAULT_SIZES = [64, 256, 1000]
/** Largest network the knob accepts (one process, one UDP socket and ~3 MB per engine). */
export const MAX_NODES = 2000
/** Smallest network the knob accepts (below this there is nothing to route). */
export const MIN_NODES = 16
/** Share of the nodes that go silent in the second phase, percent. */
export const SILENT_PCT = 20
/** Items of each kind (mutable, immutable) put before any node goes silent. */
export const ITEMS_PER_KIND = 50
/** Recursive gets per kind, per size and silent share (DHTSIM_LOOKUPS). */
export const DEFAULT_LOOKUPS = 200
export const MAX_LOOKUPS = 5000
/** Lookups running at once, each from a different reader (a reader runs one at a time). */
export const PARALLEL_LOOKUPS = 8
/** Puts running at once while the items are stored. */
export const PARALLEL_PUTS = 8
/** Nodes that join at once; each bootstraps through BOOTSTRAP_PEERS nodes already running. */
export const JOIN_BATCH = 25
/** Contacts a joining node is given: "knows a few others", fills its table by its own lookups. */
export const BOOTSTRAP_PEERS = 3
/** Bits of the id a lookup resolves per hop with our routing table: k-bucket splits only the bucket
 *  holding its own id (binary tree, no accelerated buckets), which is Kademlia's b = 1. */
export const BITS_PER_HOP = 1
/** Longest wall time one network size may take (join, puts, both phases) before the run gives up. */
export const SIZE_DEADLINE_MS = 15 * 60_000
/** Settling time after the joins, so late replies and table inserts land before the puts, ms. */
export const SETTLE_MS = 1000
/** Where the bench draws its plot (DHTSIM_PLOT overrides; "none" draws nothing). */
export const DEFAULT_PLOT_PATH = 'docs/dht-scaling.svg'
