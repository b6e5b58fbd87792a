// A simulated internet-scale DHT on loopback: N engines of the project's own DHT, one real UDP socket
// each on 127.0.0.1, in this process. Nodes join in batches; each is given BOOTSTRAP_PEERS random
// nodes that are already running (not the whole network) and fills its routing table through its own
// bootstrap lookup and through the queries later joiners send it, as a node on the internet would.
import { keyPairFromSeed } from '../../../chain/crypto.js'
import type { Endpoint } from '../../../dht/endpoint.js'
import { DhtEngine } from '../../../dht/engine.js'
import { BOOTSTRAP_PEERS, JOIN_BATCH, SETTLE_MS } from './constants.js'
import { type Rng, pick } from './rng.js'

export interface SimNet {
  engines: DhtEngine[]
  /** Milliseconds from the first start to the last join. */
  joinMs: number
  stop: () => Promise<void>
}

/** Starts `n` engines; stops every started one if any start fails or the deadline passes. */
export async function startSimNet (n: number, rng: Rng, deadlineAt: number): Promise<SimNet> {
  const engines: DhtEngine[] = []
  const stop = async (): Promise<void> => { await Promise.all(engines.map(async e => await e.stop())) }
  const t0 = performance.now()
  try {
    for (let first = 0; first < n; first += JOIN_BATCH) {
      if (performance.now() > deadlineAt) throw new Error(`dhtsim: joining ${n} nodes ran past its deadline at ${first}`)
      const running: Endpoint[] = engines.map(e => e.endpoint)
      const batch: Array<Promise<Endpoint>> = []
      for (let i = first; i < Math.min(n, first + JOIN_BATCH); i++) {
        // The first batch bootstraps through node 0 alone (it has nobody else to know).
        const bootstrap = running.length === 0 ? [] : pick(running, BOOTSTRAP_PEERS, rng)
        const e = new DhtEngine({ keyPair: keyPairFromSeed(`dhtsim-${i}`), bootstrap })
        engines.push(e)
        if (i === 0) { await e.start(); running.push(e.endpoint); continue }
        batch.push(e.start())
      }
      await Promise.all(batch)
    }
  } catch (e) {
    await stop()
    throw e
  }
  const joinMs = performance.now() - t0
  await new Promise(resolve => setTimeout(resolve, SETTLE_MS))
  return { engines, joinMs, stop }
}

/** Silences `count` random engines (owners of items included): they drop every datagram, in and out. */
export function silence (engines: DhtEngine[], count: number, rng: Rng): { idx: Set<number>, eps: Set<string> } {
  const chosen = pick(engines.map((_, i) => i), count, rng)
  const eps = new Set<string>()
  for (const i of chosen) {
    engines[i].blocked.silence(true)
    eps.add(`${engines[i].endpoint.host}:${engines[i].endpoint.port}`)
  }
  return { idx: new Set(chosen), eps }
}

/** Ends every silence (the next phase starts from a whole network again). */
export function unsilence (engines: DhtEngine[]): void {
  for (const e of engines) e.blocked.silence(false)
}
