// Bootstrap host names resolved again while the node runs: a peer container restarted by compose or
// swarm can come back on another address, and a node whose routing table lost every peer would
// otherwise stay alone. Each round (one DNS lookup per name, BOOTSTRAP_REFRESH_INTERVAL_MS apart)
// pings a name's address into the routing table when the address changed or the table is empty.
import { lookup } from 'node:dns/promises'
import { isIPv4 } from 'node:net'
import type { Endpoint } from '../../dht/index.js'
import type { Logger } from '../logger.js'
import { BOOTSTRAP_REFRESH_INTERVAL_MS } from './constants.js'

/** What the refresher needs of the DHT engine. */
export interface PeerTable { nodeCount: () => number, addNode: (ep: Endpoint) => Promise<boolean> }

export class BootstrapRefresher {
  private readonly names: Endpoint[]
  private readonly last = new Map<string, string>()
  private timer?: NodeJS.Timeout
  private busy = false

  /** `entries`: the configured bootstrap list; only host-name entries are refreshed. */
  constructor (entries: readonly Endpoint[], private readonly table: PeerTable, private readonly log?: Logger, private readonly intervalMs = BOOTSTRAP_REFRESH_INTERVAL_MS) {
    this.names = entries.filter(e => !isIPv4(e.host))
  }

  get active (): boolean { return this.names.length > 0 }

  start (): void {
    if (!this.active || this.timer !== undefined) return
    this.timer = setInterval(() => { void this.tick() }, this.intervalMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** One round; returns how many peers were added. Rounds never overlap. */
  async tick (): Promise<number> {
    if (this.busy) return 0
    this.busy = true
    let added = 0
    try {
      for (const e of this.names) {
        let address: string
        try { address = (await lookup(e.host, { family: 4 })).address } catch { continue }
        const key = `${e.host}:${e.port}`
        const changed = this.last.get(key) !== address
        this.last.set(key, address)
        if (!changed && this.table.nodeCount() > 0) continue
        if (await this.table.addNode({ host: address, port: e.port }).catch(() => false)) {
          added++
          this.log?.info('bootstrap host joined again', { host: e.host, address })
        }
      }
    } finally {
      this.busy = false
    }
    return added
  }
}
