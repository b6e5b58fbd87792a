// Propagation figures: nearest-rank percentiles over the delays seen so far. Pure.

/** The p-th percentile (0 < p ≤ 100) by nearest rank; null for no samples. */
export function percentile (samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil(p / 100 * sorted.length))
  return sorted[rank - 1]
}

/** Bounded ring of samples: the oldest are overwritten once `cap` is reached. */
export class SampleRing {
  private readonly data: number[] = []
  private next = 0
  constructor (private readonly cap: number) {}
  add (v: number): void {
    if (this.data.length < this.cap) this.data.push(v)
    else this.data[this.next] = v
    this.next = (this.next + 1) % this.cap
  }
  get values (): readonly number[] { return this.data }
}
