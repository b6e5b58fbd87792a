// Public API mode (--api-public): what makes the API safe to bind beyond loopback. Each client IP
// gets a token bucket (API_PUBLIC_RATE_PER_S, bursts of API_PUBLIC_BURST_REQUESTS) and a cap on
// requests in flight; over either it gets 429 with `retry-after` (whole seconds), so one client
// flooding the node slows only itself. A global in-flight cap answers 503 with `retry-after`.
// Buckets live in a Map in insertion order, refreshed on use, so the longest idle IP is the first
// forgotten once API_PUBLIC_MAX_TRACKED_IPS are tracked: memory stays bounded under IP churn.
import {
  API_PUBLIC_BURST_REQUESTS, API_PUBLIC_MAX_CONCURRENT, API_PUBLIC_MAX_CONCURRENT_PER_IP, API_PUBLIC_MAX_STREAMS_PER_IP,
  API_PUBLIC_MAX_TRACKED_IPS, API_PUBLIC_RATE_PER_S
} from '../constants.js'
import { RateLimitError } from './http.js'

interface Bucket { tokens: number, at: number, inFlight: number, streams: number }

export interface PublicLimits {
  ratePerS: number
  burst: number
  maxConcurrentPerIp: number
  maxConcurrent: number
  maxStreamsPerIp: number
  maxTrackedIps: number
}

export const PUBLIC_LIMITS: PublicLimits = {
  ratePerS: API_PUBLIC_RATE_PER_S,
  burst: API_PUBLIC_BURST_REQUESTS,
  maxConcurrentPerIp: API_PUBLIC_MAX_CONCURRENT_PER_IP,
  maxConcurrent: API_PUBLIC_MAX_CONCURRENT,
  maxStreamsPerIp: API_PUBLIC_MAX_STREAMS_PER_IP,
  maxTrackedIps: API_PUBLIC_MAX_TRACKED_IPS
}

export class ClientLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private inFlight = 0
  /** Refusals by reason, for the metrics. */
  readonly refused = { rate: 0, concurrency: 0, busy: 0, streams: 0 }

  constructor (readonly limits: PublicLimits = PUBLIC_LIMITS, private readonly now: () => number = () => performance.now()) {}

  get tracked (): number { return this.buckets.size }

  private bucket (ip: string): Bucket {
    const t = this.now()
    let b = this.buckets.get(ip)
    if (b === undefined) {
      b = { tokens: this.limits.burst, at: t, inFlight: 0, streams: 0 }
      if (this.buckets.size >= this.limits.maxTrackedIps) this.evictIdle()
    } else {
      this.buckets.delete(ip) // re-inserted below: the Map's order is least recently used first
      b.tokens = Math.min(this.limits.burst, b.tokens + (t - b.at) / 1000 * this.limits.ratePerS)
      b.at = t
    }
    this.buckets.set(ip, b)
    return b
  }

  /** Forgets the least recently used IP with nothing in flight. */
  private evictIdle (): void {
    for (const [ip, b] of this.buckets) {
      if (b.inFlight === 0 && b.streams === 0) { this.buckets.delete(ip); return }
    }
  }

  /** Admits one request of `ip` or throws a RateLimitError; call the returned function when it is answered. */
  admit (ip: string): () => void {
    if (this.inFlight >= this.limits.maxConcurrent) {
      this.refused.busy++
      throw new RateLimitError('BUSY', 'the node is serving too many requests; retry later', 1)
    }
    const b = this.bucket(ip)
    if (b.inFlight >= this.limits.maxConcurrentPerIp) {
      this.refused.concurrency++
      throw new RateLimitError('TOO_MANY_CONCURRENT', `at most ${this.limits.maxConcurrentPerIp} requests in flight per client`, 1)
    }
    if (b.tokens < 1) {
      this.refused.rate++
      const waitS = Math.max(1, Math.ceil((1 - b.tokens) / this.limits.ratePerS))
      throw new RateLimitError('RATE_LIMITED', `over ${this.limits.ratePerS} requests per second (bursts of ${this.limits.burst}) per client`, waitS)
    }
    b.tokens -= 1
    b.inFlight++
    this.inFlight++
    let done = false
    return () => {
      if (done) return
      done = true
      b.inFlight--
      this.inFlight--
    }
  }

  /** An /events stream of `ip` opens (it no longer counts as in flight); the returned function closes it. */
  openStream (ip: string): () => void {
    const b = this.bucket(ip)
    if (b.streams >= this.limits.maxStreamsPerIp) {
      this.refused.streams++
      throw new RateLimitError('TOO_MANY_STREAMS_PER_CLIENT', `at most ${this.limits.maxStreamsPerIp} event streams per client`, 5)
    }
    b.streams++
    let done = false
    return () => { if (!done) { done = true; b.streams-- } }
  }
}
