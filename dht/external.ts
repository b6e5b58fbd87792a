// External endpoint discovery (BEP 42's `ip` key). Every response this node sends carries the
// requester's address as this node saw it; every matched response we receive may carry ours as the
// responder saw it. A node behind NAT or bound to 0.0.0.0 cannot know its public endpoint any other
// way, and a wrong `blkTip.e` costs every reader a direct-get timeout before it goes recursive.
//
// Rule (docs/protocol-notes.md §12): keep each reporter's latest report for EXTERNAL_REPORT_TTL_MS;
// an endpoint is adopted when at least EXTERNAL_MIN_AGREEING reporters name it and no other endpoint
// has as many. An endpoint once adopted is kept while it has that many and none has more (a tie
// with a newcomer keeps it): a NAT that gives some destinations a fresh port must not make the node
// flip, or drop its endpoint, at every report. Reporters count by distinct IP once the reporters
// span EXTERNAL_MIN_AGREEING distinct IPs (so one host with many ports cannot outvote the rest); on a network where every peer shares
// one IP (a loopback testnet) they count by distinct ip:port. The choice is re-checked on every
// report and whenever it is read, so an endpoint whose reports expire is dropped.
import { isIPv4 } from 'node:net'
import { EXTERNAL_MAX_REPORTERS, EXTERNAL_MIN_AGREEING, EXTERNAL_REPORT_TTL_MS } from './constants.js'
import { decodeEndpoint, type Endpoint, formatEndpoint } from './endpoint.js'

interface Report {
  seen: string
  /** The compact `ip` value as one number (4 address bytes, 2 port bytes: 48 bits, exact in a double). */
  raw: number
  atMs: number
}

/** A 6-byte compact endpoint as one number, or -1 for anything else. */
function rawOf (ip: unknown): number {
  if (!(ip instanceof Uint8Array) || ip.length !== 6) return -1
  return ((((ip[0] * 256 + ip[1]) * 256 + ip[2]) * 256 + ip[3]) * 256 + ip[4]) * 256 + ip[5]
}

export interface ExternalView {
  /** The adopted endpoint ("host:port"), or null while no endpoint has enough agreement. */
  adopted: string | null
  /** Reporters that named the adopted endpoint (distinct IPs or ip:ports, as counted). */
  agreeing: number
  /** Reporters with a live report. */
  reporters: number
  /** Whether agreement is counted by distinct IP or by distinct ip:port. */
  countedBy: 'ip' | 'endpoint'
  /** Reports accepted and refused (malformed `ip` values) since start. */
  accepted: number
  refused: number
}

export class ExternalEndpoint {
  /** Reporter "host:port" → its latest report (insertion order = oldest first, for eviction). */
  private readonly reports = new Map<string, Report>()
  private accepted = 0
  private refused = 0
  /** The endpoint adopted at the last check, kept through ties (see the rule above). */
  private current: string | null = null

  constructor (
    private readonly now: () => number = Date.now,
    private readonly minAgreeing = EXTERNAL_MIN_AGREEING,
    private readonly ttlMs = EXTERNAL_REPORT_TTL_MS
  ) {}

  /** A peer at `from` reports the compact `ip` value of its response. Anything malformed is ignored. */
  report (from: Endpoint, ip: unknown): void {
    const key = formatEndpoint(from)
    const raw = rawOf(ip)
    const prev = this.reports.get(key)
    // Most reports repeat the reporter's last one (every answer to every query carries it): that
    // reporter and value were checked then, so only its time and place in the order change.
    if (prev !== undefined && raw !== -1 && prev.raw === raw) {
      this.reports.delete(key)
      prev.atMs = this.now()
      this.reports.set(key, prev)
      this.accepted++
      return
    }
    let seen: Endpoint
    try {
      if (!(ip instanceof Uint8Array)) throw new TypeError('not bytes')
      seen = decodeEndpoint(ip)
    } catch {
      this.refused++
      return
    }
    if (seen.host === '0.0.0.0' || !isIPv4(from.host)) { this.refused++; return }
    this.reports.delete(key) // re-insert: the map stays ordered oldest report first
    this.reports.set(key, { seen: formatEndpoint(seen), raw, atMs: this.now() })
    this.accepted++
    while (this.reports.size > EXTERNAL_MAX_REPORTERS) {
      const oldest = this.reports.keys().next().value
      if (oldest === undefined) break
      this.reports.delete(oldest)
    }
  }

  /** The adopted endpoint, or undefined while no endpoint has enough agreement. */
  adopted (): Endpoint | undefined {
    const a = this.view().adopted
    if (a === null) return undefined
    const i = a.lastIndexOf(':')
    return { host: a.slice(0, i), port: Number(a.slice(i + 1)) }
  }

  view (): ExternalView {
    this.expire()
    const ipOf = (reporter: string): string => reporter.slice(0, reporter.lastIndexOf(':'))
    const allIps = new Set([...this.reports.keys()].map(ipOf))
    const byIp = allIps.size >= this.minAgreeing
    const voters = new Map<string, Set<string>>()
    for (const [reporter, r] of this.reports) {
      let set = voters.get(r.seen)
      if (set === undefined) { set = new Set(); voters.set(r.seen, set) }
      set.add(byIp ? ipOf(reporter) : reporter)
    }
    let best: string | null = null
    let bestN = 0
    let tie = false
    for (const [seen, set] of voters) {
      if (set.size > bestN) { best = seen; bestN = set.size; tie = false } else if (set.size === bestN) tie = true
    }
    const currentN = this.current === null ? 0 : voters.get(this.current)?.size ?? 0
    if (currentN < this.minAgreeing || currentN < bestN) this.current = bestN >= this.minAgreeing && !tie ? best : null
    return {
      adopted: this.current,
      agreeing: this.current === null ? 0 : voters.get(this.current)?.size ?? 0,
      reporters: this.reports.size,
      countedBy: byIp ? 'ip' : 'endpoint',
      accepted: this.accepted,
      refused: this.refused
    }
  }

  private expire (): void {
    const cutoff = this.now() - this.ttlMs
    for (const [k, r] of this.reports) {
      if (r.atMs < cutoff) this.reports.delete(k)
    }
  }
}
