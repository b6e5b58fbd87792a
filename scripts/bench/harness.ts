// Shared benchmark plumbing. Each *.bench.ts module exports `run(): Promise<BenchRow[]>`;
// scripts/bench/run.ts runs them all, prints one table and writes results/latest.json.
// Figures are medians over repetitions; a row with a bound also reports value / bound.

export interface BenchRow {
  /** Short stable name, e.g. "crypto.verify". */
  name: string
  /** Median over repetitions. */
  value: number
  unit: string
  /** The figure this row is judged against (a goal or a same-run baseline), if any. */
  bound?: number
  boundLabel?: string
  /** value / bound, filled in by the runner when bound is set. */
  ratio?: number
  /** All repetitions, for the JSON. */
  samples?: number[]
  note?: string
}

export function median (xs: number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function percentile (xs: number[], p: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

/**
 * Operations per second of `fn`, as the median of `reps` timed runs of about `msPerRep` each,
 * after a short warm-up. `fn(i)` does one operation; the loop is bounded by time and count.
 */
export function opsPerSecond (fn: (i: number) => void, opts: { reps?: number, msPerRep?: number, maxOps?: number } = {}): number[] {
  const reps = opts.reps ?? 3
  const msPerRep = opts.msPerRep ?? 700
  const maxOps = opts.maxOps ?? 10_000_000
  const warmEnd = performance.now() + Math.min(200, msPerRep / 2)
  for (let i = 0; performance.now() < warmEnd && i < maxOps; i++) fn(i)
  const samples: number[] = []
  for (let r = 0; r < reps; r++) {
    let n = 0
    const start = performance.now()
    const end = start + msPerRep
    while (n < maxOps) {
      fn(n++)
      if ((n & 15) === 0 && performance.now() >= end) break
    }
    samples.push(n / ((performance.now() - start) / 1000))
  }
  return samples
}

export function row (name: string, samples: number[], unit: string, extra: Partial<BenchRow> = {}): BenchRow {
  return { name, value: median(samples), unit, samples, ...extra }
}
