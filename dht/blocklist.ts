// Endpoints this node's DHT refuses to talk to, both ways: packets from them are dropped unread and
// packets to them are never sent, so queries to them time out as if the network were cut. The testnet
// tool uses it to partition nodes that share the loopback interface (no root needed); an operator can
// use it to shut out a misbehaving endpoint. Bounded; replaced as a whole. `silence` cuts off every
// endpoint at once (a node gone silent in a simulation: it drops every datagram, in and out).
import { DhtError } from './errors.js'
import type { Endpoint } from './endpoint.js'

export const MAX_BLOCKED_ENDPOINTS = 256

export class Blocklist {
  private entries = new Set<string>()
  private all = false

  replace (eps: readonly Endpoint[]): void {
    if (eps.length > MAX_BLOCKED_ENDPOINTS) throw new DhtError('DHT_BAD_ENDPOINT', `at most ${MAX_BLOCKED_ENDPOINTS} blocked endpoints`)
    this.entries = new Set(eps.map(e => `${e.host}:${e.port}`))
  }

  /** On: every endpoint is blocked, whatever the list holds; off: the list alone decides again. */
  silence (on: boolean): void {
    this.all = on
  }

  get silenced (): boolean { return this.all }

  has (host: string | undefined, port: number | undefined): boolean {
    if (this.all) return true
    return this.entries.size > 0 && this.entries.has(`${host ?? ''}:${port ?? 0}`)
  }

  list (): string[] { return [...this.entries] }

  get size (): number { return this.entries.size }
}
