// Limits of the HTTP API, each with its unit in the name (public-mode limits are in ../constants.ts).

/** Open /events streams at most (503 TOO_MANY_STREAMS beyond). */
export const SSE_MAX_CLIENTS = 64
/** Unsent bytes a stream may pile up before the client is dropped (it resumes with Last-Event-ID). */
export const SSE_MAX_BUFFER_BYTES = 256 * 1024
/** A comment line this often keeps proxies from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000
/** What a client is told to wait before reconnecting (the `retry:` field). */
export const SSE_RETRY_MS = 3000
/** Events kept for replay to reconnecting clients, by count and by serialised size (both bound it). */
export const SSE_REPLAY_EVENTS = 1024
export const SSE_REPLAY_MAX_BYTES = 128 * 1024
