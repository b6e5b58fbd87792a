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

export interface LinkOptions {
  latencyMs: number
  jitterMs: number
  lossPct: number
  /** Source of randomness in [0, 1); tests pass a seeded one. */
  random?: () => number
}

export interface LinkView {
  emulated: true
  latencyMs: number
  jitterMs: number
  lossPct: number
  delayed: number
  dropped: number
  overflow: number
  held: number
}

export function checkLinkOptions (o: LinkOptions): void {
  const ok = (x: number, max: number): boolean => Number.isFinite(x) && x >= 0 && x <= max
  if (!ok(o.latencyMs, LINK_MAX_LATENCY_MS) || !ok(o.jitterMs, o.latencyMs) || !ok(o.lossPct, LINK_MAX_LOSS_PCT)) {
    throw new DhtError('DHT_BAD_LINK', `link must have 0 ≤ jitter ≤ latency ≤ ${LINK_MAX_LATENCY_MS} ms and 0 ≤ loss ≤ ${LINK_MAX_LOSS_PCT} %, got ${o.latencyMs}/${o.jitterMs}/${o.lossPct}`)
  }
}

type SendFn = (...args: unknown[]) => void

export class LinkEmulator {
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly random: () => number
  private counts = { delayed: 0, dropped: 0, overflow: 0 }
  private closed = false

  constructor (private readonly o: LinkOptions) {
    checkLinkOptions(o)
    this.random = o.random ?? Math.random
  }

  /** Delay (ms) for the next datagram, or null when it is lost. */
  decide (): number | null {
    if (this.o.lossPct > 0 && this.random() * 100 < this.o.lossPct) return null
    const j = this.o.jitterMs
    return Math.max(0, Math.round(this.o.latencyMs + (j > 0 ? (this.random() * 2 - 1) * j : 0)))
  }

  /** Wraps `udp.send` (called as send(buf, offset, length, port, host, cb) by k-rpc-socket). */
  install (udp: Socket): void {
    const target = udp as unknown as { send: SendFn }
    const send = target.send.bind(udp) as SendFn
    this.closed = false
    udp.once('close', () => this.close())
    target.send = (...args: unknown[]) => {
      const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] as () => void : undefined
      const delay = this.closed ? null : this.decide()
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
    return { emulated: true, latencyMs: this.o.latencyMs, jitterMs: this.o.jitterMs, lossPct: this.o.lossPct, ...this.counts, held: this.timers.size }
  }

  close (): void {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
