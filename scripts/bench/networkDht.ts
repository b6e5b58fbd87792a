// GET /dht counters of testnet nodes for the network benches: a node's counters flattened, their
// change per second over a window, and the UDP datagrams (in + out) per second among them.

export type Flat = Record<string, number>

/** A node's GET /dht counters, flattened (traffic.packetsIn, requests.recursive, gauges.getsOwnerEmpty, ...); empty if it does not answer. */
export async function dhtCounters (base: string): Promise<Flat> {
  const out: Flat = {}
  try {
    const r = await fetch(`${base}/dht`, { signal: AbortSignal.timeout(5000) })
    const s = ((await r.json()) as { stats?: Record<string, unknown> }).stats ?? {}
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') out[k] = v
      else if (k !== 'latencyMs' && typeof v === 'object' && v !== null) {
        for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') out[`${k}.${k2}`] = v2
      }
    }
  } catch { /* not answering: empty */ }
  return out
}

/** Counter differences over a window, per second (counters missing at either end are left out). */
export function ratesPerS (after: Flat, before: Flat, wallS: number): Flat {
  const out: Flat = {}
  for (const [k, v] of Object.entries(after)) if (before[k] !== undefined) out[k] = (v - before[k]) / wallS
  return out
}

/** UDP datagrams in + out per second, from ratesPerS of GET /dht traffic counters. */
export const datagramsPerS = (r: Flat): number => (r['traffic.packetsIn'] ?? NaN) + (r['traffic.packetsOut'] ?? NaN)
