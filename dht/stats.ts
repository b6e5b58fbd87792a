// Counters and latency histograms for the node's status and metrics. Plain numbers only;
// snapshot() returns JSON-ready data. Histograms keep the most recent HISTOGRAM_SAMPLES in a
// ring, so memory is fixed and percentiles describe recent behaviour.
import { HISTOGRAM_SAMPLES } from './constants.js'

/** getDirect/getRecursive time each attempt (a direct attempt that times out counts its wait). */
export type HistogramName = 'getDirect' | 'getRecursive' | 'putImmutable' | 'putMutable'

class Ring {
  private readonly xs: Float64Array
  private n = 0
  constructor (size: number) { this.xs = new Float64Array(size) }
  add (x: number): void { this.xs[this.n++ % this.xs.length] = x }
  summary (): { count: number, p50: number | null, p95: number | null } {
    const kept = Array.from(this.xs.subarray(0, Math.min(this.n, this.xs.length))).sort((a, b) => a - b)
    const at = (p: number): number | null => kept.length === 0 ? null
      : round3(kept[Math.min(kept.length - 1, Math.ceil(p * kept.length) - 1)])
    return { count: this.n, p50: at(0.5), p95: at(0.95) }
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

function bump (m: Record<string, number>, key: string, by = 1): void {
  m[key] = (m[key] ?? 0) + by
}

export class DhtStats {
  readonly gets = { direct: 0, recursive: 0, local: 0, failed: 0, deduped: 0, refused: 0 }
  /** Network requests a get made: direct k-rpc queries sent and recursive lookups started. */
  readonly requests = { direct: 0, recursive: 0 }
  readonly puts = { immutableOk: 0, immutableFailed: 0, mutableOk: 0, mutableFailed: 0, alreadyThere: 0 }
  /** Answers that failed verification, by reason (bad_sig, wrong_target, oversize, ...). */
  readonly rejected: Record<string, number> = {}
  /** Incoming packets dropped before the library saw them, by reason. */
  readonly dropped: Record<string, number> = {}
  readonly queriesIn: Record<string, number> = {}
  readonly traffic = { packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0, warnings: 0, handlerErrors: 0, blockedIn: 0, blockedOut: 0 }
  /** Schnorr verifications run by the library's hook and by our own answer checks. */
  verifies = 0
  private readonly hists = new Map<HistogramName, Ring>()
  /** Told of every latency sample (the API's Prometheus histogram keeps all of them in buckets). */
  readonly observers = new Set<(name: HistogramName, ms: number) => void>()
  private readonly gauges = new Map<string, () => number>()

  reject (reason: string): void { bump(this.rejected, reason) }
  drop (reason: string): void { bump(this.dropped, reason) }
  query (q: string): void { bump(this.queriesIn, q) }

  observe (name: HistogramName, ms: number): void {
    let r = this.hists.get(name)
    if (r === undefined) { r = new Ring(HISTOGRAM_SAMPLES); this.hists.set(name, r) }
    r.add(ms)
    for (const o of this.observers) o(name, ms)
  }

  /** A value read at snapshot time (queue depth, routing-table size, stored items). */
  gauge (name: string, read: () => number): void {
    this.gauges.set(name, read)
  }

  snapshot (): DhtStatsSnapshot {
    const latencyMs: DhtStatsSnapshot['latencyMs'] = {}
    for (const [name, ring] of this.hists) latencyMs[name] = ring.summary()
    const gauges: Record<string, number> = {}
    for (const [name, read] of this.gauges) gauges[name] = read()
    return {
      gets: { ...this.gets },
      requests: { ...this.requests },
      puts: { ...this.puts },
      rejected: { ...this.rejected },
      dropped: { ...this.dropped },
      queriesIn: { ...this.queriesIn },
      traffic: { ...this.traffic },
      verifies: this.verifies,
      gauges,
      latencyMs
    }
  }
}

export interface DhtStatsSnapshot {
  gets: DhtStats['gets']
  requests: DhtStats['requests']
  puts: DhtStats['puts']
  rejected: Record<string, number>
  dropped: Record<string, number>
  queriesIn: Record<string, number>
  traffic: DhtStats['traffic']
  verifies: number
  gauges: Record<string, number>
  latencyMs: Partial<Record<HistogramName, { count: number, p50: number | null, p95: number | null }>>
}
