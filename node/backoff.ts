// Exponential back-off for reads that keep finding nothing (silent peers, empty channels).

/** Exponents above this change nothing once capped, and keep 2^misses a small exact number. */
const MAX_DOUBLINGS = 16

/** `baseMs` × 2^misses, capped at `maxMs` and never below `baseMs`; 0 misses gives `baseMs`. */
export function backoffMs (baseMs: number, misses: number, maxMs: number): number {
  if (misses <= 0) return baseMs
  return Math.max(baseMs, Math.min(maxMs, baseMs * 2 ** Math.min(misses, MAX_DOUBLINGS)))
}
