// Limits and timings of `tau-node wallet`, each with its unit in the name.

/** One API call to the node, at most. */
export const WALLET_HTTP_TIMEOUT_MS = 10_000
/** `--wait`: how often the transaction's status is read, and the default deadline. */
export const WALLET_WAIT_POLL_MS = 1_000
export const WALLET_WAIT_DEFAULT_TIMEOUT_S = 600
export const WALLET_WAIT_MAX_TIMEOUT_S = 7 * 24 * 3600
/** `--confirmations`: at most this many (deeper than any mutable range a chain would choose). */
export const WALLET_MAX_CONFIRMATIONS = 10_000
/** `wallet history`: page size default and maximum (the REST route's own bounds). */
export const WALLET_HISTORY_DEFAULT_LIMIT = 25
export const WALLET_HISTORY_MAX_LIMIT = 100
