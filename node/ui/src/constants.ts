// The pages' limits, each with its unit in the name (the server side's are in ../constants.ts).

/** Every API request is abandoned after this long (the page then shows the error). */
export const REQUEST_TIMEOUT_MS = 10_000
/** A page redraws at most once per this long after a burst of live events (a sync imports many blocks). */
export const LIVE_REDRAW_DEBOUNCE_MS = 300

/** Dashboard: blocks the charts cover, block requests in flight while drawing them, latest blocks listed, live log lines kept. */
export const CHART_BLOCKS = 60
export const CHART_FETCH_CONCURRENCY = 6
export const CHART_HEIGHT_PX = 180
export const RECENT_BLOCKS = 10
export const ACTIVITY_LINES = 30

/** Rows per page: blocks, an account's transactions, pooled transactions shown. */
export const PAGE_BLOCKS = 25
export const PAGE_TXS = 25
export const POOL_LIST = 100

/** Votes page: nesting rendered as tables and lists at most (deeper values are shown as JSON text). */
export const VOTES_MAX_DEPTH = 4

/** Network dashboard timeline: heights drawn at most (the newest), and its geometry. */
export const TIMELINE_MAX_COLUMNS = 60
export const TIMELINE_COL_PX = 34
export const TIMELINE_LANE_PX = 34
export const TIMELINE_BOX_PX = 22
export const TIMELINE_TOP_PX = 26
