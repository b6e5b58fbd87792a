// Token bucket per source (IP + port). Each put costs a storing node a Schnorr verify and a slot
// in its LRU, and BEP44 offers no quota, so without this any sender can flush a node's store or
// burn its CPU. The source map is bounded: the least recently seen source is forgotten first
// (a forgotten source simply starts again with a full bucket).
import { Lru } from '../chain/lru.js'

interface Bucket { tokens: number, atMs: number }

export class RateLimiter {
  private readonly buckets: Lru<string, Bucket>

  constructor (
    private readonly ratePerS: number,
    private readonly burst: number,
    maxSources: number,
    private readonly now: () => number = () => performance.now()
  ) {
    this.buckets = new Lru(maxSources)
  }

  /** Takes one token for `source`; false when its bucket is empty. */
  take (source: string): boolean {
    const t = this.now()
    let b = this.buckets.peek(source)
    if (b === undefined) {
      b = { tokens: this.burst, atMs: t }
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.atMs) / 1000) * this.ratePerS)
      b.atMs = t
    }
    this.buckets.set(source, b) // every take makes the source the most recently seen
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  get sources (): number {
    return this.buckets.size
  }
}
