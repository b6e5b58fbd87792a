// Link emulation for testnets: delay, jitter and loss applied to every outgoing DHT datagram, in
// the node's own UDP layer below the DHT library. The kernel here has no netem, and emulating in
// process keeps a testnet free of root for this part. Each datagram waits latency ± jitter
// (uniform), so datagrams keep their order when the jitter is 0 and may overtake each other as
// they would on a real path otherwise; a fraction `lossPct` is dropped before it waits. The
// engine only installs this when asked, and the node only asks under the testnet tool
// (node/config.ts), with /status showing it, so an emulated run is never mistaken for a real link.
import type { Socket } from 'node:dgram'
import { LINK_MAX_HELD_DATAGRAMS, LINK_MAX_LATENCY_MS, LINK_MAX_LOSS_PCT } from './constants.js'
import { DhtError } from './errors.js'

export interface LinkSettings {
  latencyMs: number
  jitterMs: number
  lossPct: number
}

export interface LinkOptions extends LinkSettings {
  /** A different link to some peers ("host:port" of their DHT sockets): the far side of a
   *  "two continents" layout. Every other destination gets the settings above. */
  far?: LinkSettings & { endpoints: string[] }
  /** Source of randomness in [0, 1); tests pass a seeded one. */
  random?: () => number
}

export interface LinkView {
  emulated: true
  latencyMs: number
  jitterMs: number
  lossPct: number
  /** The far link's settings and how many peers it applies to, when there is one. */
  far: (LinkSettings & { peers: number }) | null
  delayed: number
  dropped: number
  overflow: number
  held: number
}

export function checkLinkOptions (o: LinkOptions): void {
  const ok = (x: number, max: number): boolean => Number.isFinite(x) && x >= 0 && x <= max
  for (const l of o.far === undefined ? [o] : [o, o.far]) {
    if (!ok(l.latencyMs, LINK_MAX_LATENCY_MS) || !ok(l.jitterMs, l.latencyMs) || !ok(l.lossPct, LINK_MAX_LOSS_PCT)) {
      throw new DhtError('DHT_BAD_LINK', `link must have 0 ≤ jitter ≤ latency ≤ ${LINK_MAX_LATENCY_MS} ms and 0 ≤ loss ≤ ${LINK_MAX_LOSS_PCT} %, got ${l.latencyMs}/${l.jitterMs}/${l.lossPct}`)
    }
  }
}

type SendFn = (...args: unknown[]) => void

export class LinkEmulator {
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly random: () => number
  private counts = { delayed: 0, dropped: 0, overflow: 0 }
  private closed = false
  private readonly far: Set<string>

  constructor (private readonly o: LinkOptions) {
    checkLinkOptions(o)
    this.random = o.random ?? Math.random
    this.far = new Set(o.far?.endpoints ?? [])
  }

  /** Delay (ms) for the next datagram to `dest` ("host:port"), or null when it is lost. */
  decide (dest?: string): number | null {
    const l: LinkSettings = this.o.far !== undefined && dest !== undefined && this.far.has(dest) ? this.o.far : this.o
    if (l.lossPct > 0 && this.random() * 100 < l.lossPct) return null
    const j = l.jitterMs
    return Math.max(0, Math.round(l.latencyMs + (j > 0 ? (this.random() * 2 - 1) * j : 0)))
  }

  /** Wraps `udp.send` (called as send(buf, offset, length, port, host, cb) by k-rpc-socket). */
  install (udp: Socket): void {
    const target = udp as unknown as { send: SendFn }
    const send = target.send.bind(udp) as SendFn
    this.closed = false
    udp.once('close', () => this.close())
    target.send = (...args: unknown[]) => {
      const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] as () => void : undefined
      const delay = this.closed ? null : this.decide(`${String(args[4])}:${String(args[3])}`)
      if (delay === null || this.timers.size >= LINK_MAX_HELD_DATAGRAMS) {
        if (delay === null) this.counts.dropped++; else this.counts.overflow++
        if (cb !== undefined) process.nextTick(cb) // lost on the wire: the sender never knows
        return
      }
      this.counts.delayed++
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        try { send(...args) } catch { cb?.() } // socket closed meanwhile
      }, delay)
      timer.unref()
      this.timers.add(timer)
    }
  }

  view (): LinkView {
    const f = this.o.far
    const far = f === undefined ? null : { latencyMs: f.latencyMs, jitterMs: f.jitterMs, lossPct: f.lossPct, peers: this.far.size }
    return { emulated: true, latencyMs: this.o.latencyMs, jitterMs: this.o.jitterMs, lossPct: this.o.lossPct, far, ...this.counts, held: this.timers.size }
  }

  close (): void {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
