// Every limit and timeout of the local testnet tool, each with its unit in the name.
// Deadlines that depend on the chain's block time are functions of it (PROTOCOL §4: MAX_BT = ⌊9T/5⌋).

/** Loopback only: nodes bind here and bootstrap to each other here, never to public routers. */
export const LOOPBACK = '127.0.0.1'

export const DEFAULT_NODES = 4
export const MAX_NODES = 32
export const DEFAULT_BLOCK_TIME_S = 10
export const DEFAULT_MUTABLE_RANGE = 6
export const DEFAULT_BLOCKS = 10
export const DEFAULT_TX_RATE_PER_S = 1
export const MAX_TX_RATE_PER_S = 50

/** Node i uses DHT port base + 2i and API port base + 2i + 1. */
export const PORTS_PER_NODE = 2
/** Where the automatic port search starts and how many blocks of ports it tries. */
export const AUTO_BASE_PORT = 27100
export const AUTO_PORT_TRIES = 64
export const AUTO_PORT_STRIDE = 100

/** Genesis of a testnet: every node's account gets this balance; powers vary (PoT needs them). */
export const NODE_BALANCE = 1_000_000_000
export const NODE_POWERS = [100, 64, 36, 16, 81, 49, 25, 9] as const
/**
 * Funded accounts that only send transfers (tx-load), power 0, so the load never crowds the node
 * accounts' pool window (16 nonces per sender, PROTOCOL §8). Key index LOAD_KEY_INDEX_BASE + j.
 */
export const LOAD_ACCOUNTS = 8
export const LOAD_KEY_INDEX_BASE = 0x10000
/** At most this many unmined transfers per sender: half the pool's nonce window, so a rollback fits. */
export const MAX_PENDING_PER_SENDER = 8
export const TESTNET_MIN_FEE = 1
export const TESTNET_BLOCK_REWARD = 10
export const TESTNET_NAME = 'tau-testnet'

export const STATUS_TIMEOUT_MS = 2_000
export const POLL_INTERVAL_MS = 1_000
export const CONVERGE_POLL_INTERVAL_MS = 500
/** After SIGTERM a node gets this long to stop cleanly before SIGKILL. */
export const STOP_GRACE_MS = 10_000
/** After SIGKILL, how long to wait for the exit to be reported. */
export const KILL_WAIT_MS = 5_000
/** Lines of each node's output kept in memory for failure reports, and how many a report prints. */
export const LOG_RING_LINES = 400
export const LOG_TAIL_LINES = 15
/** Longest output line kept (longer lines are cut; a JSON log line is never this long). */
export const MAX_LOG_LINE_CHARS = 16_384
/** Bounded number of transaction status look-ups in flight. */
export const TX_QUERY_CONCURRENCY = 8
/** Linux reports /proc CPU times in clock ticks of 1/100 s (USER_HZ). */
export const CLOCK_TICKS_PER_S = 100

export const maxBlockTimeS = (blockTimeS: number): number => Math.floor(9 * blockTimeS / 5)

/** Time for every node to answer /health with 200 after start: process start-up plus an empty-chain voting round. */
export const healthyTimeoutMs = (blockTimeS: number): number => 60_000 + 3 * maxBlockTimeS(blockTimeS) * 1000

/** Time for the network to agree on one tip after a disturbance (restart, heal, join). */
export const convergeTimeoutMs = (blockTimeS: number): number => Math.max(90_000, 8 * maxBlockTimeS(blockTimeS) * 1000)

/** Upper bound on waiting for B blocks: every block at the liveness bound, twice, plus start-up. */
export const blocksTimeoutMs = (blocks: number, blockTimeS: number): number => 120_000 + 2 * blocks * maxBlockTimeS(blockTimeS) * 1000

/** glibc malloc arenas per testnet node process (MALLOC_ARENA_MAX; fewer arenas, less idle RSS),
 *  for a node that runs on glibc's malloc (jemalloc not installed). */
export const TESTNET_MALLOC_ARENA_MAX = 2

/**
 * Node.js options every node process is started with, as the container image, the systemd unit and
 * `npm start` start it: one V8 platform thread instead of four. Each of V8's helper threads keeps
 * memory of its own (malloc arenas or jemalloc caches, stacks, GC worklists); an idle node on one
 * thread held 5–8 MB less RSS, and a 2,000-block sync measured the same
 * (docs/performance.md, "Memory, fifth pass").
 */
export const NODE_PROCESS_FLAGS = ['--v8-pool-size=1']

/** jemalloc's shared library (Debian's libjemalloc2), preloaded into the nodes (allocator.ts). */
export const JEMALLOC_LIBRARY = 'libjemalloc.so.2'

/** tx-load sends for at least this many block times, even when the run's height target was
 *  already passed when it began (it comes after the other scenarios on the command line). */
export const TX_LOAD_MIN_BLOCK_TIMES = 3

// ---- --netns mode (netns.ts) ------------------------------------------------------------------

/** Every namespace, link and nft table of a netns run is named with this prefix and the tool's pid,
 *  so a later run can tell its own stale ones (dead pid) from anything else on the machine. */
export const NETNS_PREFIX = 'taunet-'
/** The root end of the veth that lets the tool reach the nodes' APIs: `tnh<pid>` (≤ 15 chars). */
export const NETNS_ROOT_LINK_PREFIX = 'tnh'
/** The shared "internet" bridge subnet (private, only inside namespaces the tool creates, plus the
 *  tool's own end at .1). Node i without NAT is .(10+i); the router of NAT group g is .(100+g). */
export const NETNS_HUB_NET = '10.213.0'
export const NETNS_NODE_HOST_BASE = 10
export const NETNS_ROUTER_HOST_BASE = 100
/** NAT group g's home subnet: router 10.214.g.1, its node 10.214.g.2. */
export const NETNS_HOME_NET_PREFIX = '10.214'
/** Longest any one `ip` or `nft` command may take. */
export const NETNS_COMMAND_TIMEOUT_MS = 10_000
