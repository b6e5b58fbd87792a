// A virtual clock for deterministic simulations: events run in time order (ties in scheduling
// order), one at a time, each awaited before the next, so a run depends only on its seed.

export class SimClock {
  nowMs: number
  private readonly queue: Array<{ at: number, seq: number, fn: () => void | Promise<void> }> = []
  private seq = 0

  constructor (startMs: number) { this.nowMs = startMs }

  /** Unix seconds, as the chain sees time. */
  get nowS (): number { return Math.floor(this.nowMs / 1000) }

  get pending (): number { return this.queue.length }

  schedule (atMs: number, fn: () => void | Promise<void>): void {
    const ev = { at: Math.max(atMs, this.nowMs), seq: this.seq++, fn }
    // Binary search for the insertion point keeps the queue sorted by (at, seq).
    let lo = 0; let hi = this.queue.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const q = this.queue[mid]
      if (q.at < ev.at || (q.at === ev.at && q.seq < ev.seq)) lo = mid + 1
      else hi = mid
    }
    this.queue.splice(lo, 0, ev)
  }

  /** Runs the next event; false when none is left. */
  async step (): Promise<boolean> {
    const ev = this.queue.shift()
    if (ev === undefined) return false
    this.nowMs = ev.at
    await ev.fn()
    return true
  }
}
