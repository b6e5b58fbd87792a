// Limits of the browser UI's server side (the explorer on the node's API port, the testnet
// dashboard), each with its unit in the name.

/** The longest a bundle build may take before UI requests get 503 UI_UNAVAILABLE. */
export const UI_BUILD_TIMEOUT_MS = 30_000
/** Longest asset path accepted under /ui/ (names are short and flat; anything longer is a 404). */
export const UI_MAX_ASSET_PATH_CHARS = 64
/** Origins `--api-cors` accepts at most. */
export const CORS_MAX_ORIGINS = 16
/** How long a browser may cache a CORS preflight answer, in seconds. */
export const CORS_MAX_AGE_S = 600

/**
 * The page's Content-Security-Policy: only this origin's script, style and data; no inline code,
 * no frames, no forms posting anywhere. uPlot styles through the CSSOM, which the policy allows.
 */
export const UI_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
].join('; ')
