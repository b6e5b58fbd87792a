// Limits of the testnet dashboard, each with its unit in the name.

/** Port of `npm run testnet -- --dashboard` when none is given (0 would pick any free port). */
export const DEFAULT_DASHBOARD_PORT = 8099
/** How often each node's /status is read. */
export const DASH_STATUS_POLL_MS = 1_000
/** Blocks kept for the timeline (the newest by height); older ones are forgotten. */
export const DASH_MAX_BLOCKS = 400
/** Propagation samples kept (a ring): p50/p95 are over these. */
export const DASH_MAX_SAMPLES = 10_000
/** Reorgs kept for the page. */
export const DASH_MAX_REORGS = 100
/** Browsers that may watch at once, and how often they get a new snapshot at most. */
export const DASH_MAX_CLIENTS = 16
export const DASH_PUSH_INTERVAL_MS = 500
/** A watcher whose unsent snapshots pass this is dropped (it reconnects and reads /state). */
export const DASH_MAX_BUFFER_BYTES = 1024 * 1024
/** Blocks sent to the page per snapshot (the newest heights), so a snapshot stays small. */
export const DASH_SNAPSHOT_BLOCKS = 120
/** Blocks of a reorg's abandoned branch read from the node at most (to draw forks no stream reported). */
export const DASH_MAX_BRANCH_FETCH = 16
