// Limits of the side-by-side DHT bench (scripts/bench/dht.libtorrent.bench.ts), each with its unit.

/** Nodes in each swarm (ours: engines in this process; libtorrent: sessions in its process). */
export const SWARM_NODES = 16
/** Timed operations per phase, one at a time. */
export const ITEMS_PER_PHASE = 100
/** Rounds, each side in turn (ours, then libtorrent); rows are medians over them. */
export const ROUNDS = 3
/**
 * Untimed operations per phase on our side first, so V8 has compiled the hot path (libtorrent is
 * C++) and the new swarm's own start-up traffic is over (libtorrent's side starts timing once its
 * routing tables are full). Measured in blocks of 50 immutable puts from a fresh swarm: 2–3 ms p50
 * and 4–5 ms of CPU per put in the first block, steady (~0.8 ms, ~1.3 ms) from the fourth; with 20,
 * the first round's timed puts were still cold (docs/performance.md, "Eighth pass").
 */
export const WARMUP_ITEMS = 200
/** Bytes of each stored value: our canonical dict's whole encoding, libtorrent's byte string. */
export const PAYLOAD_BYTES = 256
/** The interpreter with Debian's python3-libtorrent (not a virtualenv's python3 that lacks it). */
export const PYTHON = '/usr/bin/python3'
/** Longest the `import libtorrent` probe may take. */
export const PROBE_TIMEOUT_MS = 15_000
/** Longest one libtorrent operation may wait for its alert before it counts as failed. */
export const ANCHOR_OP_TIMEOUT_S = 10
/** Longest the libtorrent driver may run; past it the driver is killed and the rows say so. */
export const ANCHOR_TIMEOUT_MS = 300_000
/** Most bytes read from the driver's stdout (its JSON holds 500 latencies: ~15 KB). */
export const ANCHOR_MAX_STDOUT_BYTES = 4 * 1024 * 1024
/** Goal of issue 21: each op's p50 within this multiple of libtorrent's. */
export const GOAL_P50_RATIO = 2
/** Goal of issue 21: each op's CPU per op within this multiple of libtorrent's. */
export const GOAL_CPU_RATIO = 3
/**
 * Topologies of our side, by number of processes the 16 engines split over evenly, each run in
 * every round: the first gives the main rows. 1 = all 16 in the bench's own process, the shape of
 * libtorrent's side (16 sessions in one process), though on one JS thread where libtorrent gives
 * each session a thread of its own; 4 = four engine processes, which adds what a datagram between
 * processes costs on the machine (Node's own floor for it is measured in the same run).
 * DHT_LT_PROCESSES (e.g. "16,4,1") overrides.
 */
export const OURS_PROCESSES_DEFAULT: readonly number[] = [1, 4]
/** Most topologies one run may list (each adds a full pass of our side per round). */
export const MAX_TOPOLOGIES = 4
/** Environment knob for OURS_PROCESSES_DEFAULT (comma list of divisors of SWARM_NODES). */
export const OURS_PROCESSES_ENV = 'DHT_LT_PROCESSES'
/** Longest an engine process may take to start its engines and report their endpoints. */
export const SWARM_START_TIMEOUT_MS = 120_000
/** Longest one operation (or a counters read) in an engine process may take before it counts as failed. */
export const SWARM_OP_TIMEOUT_MS = 30_000
/** Longest an engine process may take to stop its engines and exit before it is killed (its own pid). */
export const SWARM_STOP_TIMEOUT_MS = 10_000
/** Environment knob: a directory where each engine process writes its V8 CPU profile (`--cpu-prof`) on exit. */
export const CPU_PROF_ENV = 'DHT_LT_CPU_PROF'
/** Node's UDP floor (floor.ts): round trips per probe, one at a time. */
export const FLOOR_ROUND_TRIPS = 5_000
/** ... longest one probe may take (a lost datagram on loopback ends it there). */
export const FLOOR_MAX_MS = 20_000
/** ... bytes per datagram (a KRPC get and its answer are 100–400 bytes). */
export const FLOOR_PAYLOAD_BYTES = 300
/** ... longest the echo process may take to answer a request of the probe. */
export const FLOOR_CHILD_TIMEOUT_MS = 10_000
