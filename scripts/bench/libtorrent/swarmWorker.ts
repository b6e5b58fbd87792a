// One engine process of the libtorrent bench's multi-process topology (procSwarm.ts): it runs
// `count` of the swarm's engines on 127.0.0.1 and does what the bench asks over IPC. Each real
// TAU node runs its DHT in its own process; this puts our engines on the same footing as
// libtorrent's sessions, which each have their own network thread. Run by fork(), never by hand.
import { keyPairFromSeed } from '../../../chain/crypto.js'
import { DhtEngine } from '../../../dht/engine.js'
import type { Endpoint } from '../../../dht/endpoint.js'
import { Putter } from '../../../dht/put.js'
import { type OpRequest, type OpResult, runOp, type SwarmCounters } from './engineOps.js'

/** Parent → worker. `first`: global index of this worker's first engine (its key seed). */
export type ToWorker =
  | { t: 'init', first: number, count: number, bootstrap: Endpoint[], keySeed: string }
  | { t: 'op', id: number, local: number, req: OpRequest }
  | { t: 'counters', id: number }
  | { t: 'stop' }

/** Worker → parent. */
export type FromWorker =
  | { t: 'ready', endpoints: Endpoint[] }
  | { t: 'failed', message: string }
  | { t: 'result', id: number, res: OpResult }
  | { t: 'counters', id: number, counters: SwarmCounters }

const engines: DhtEngine[] = []
const putters: Putter[] = []
const send = (m: FromWorker): void => { process.send?.(m) }

async function add (i: number, keySeed: string, bootstrap: Endpoint[]): Promise<DhtEngine> {
  const e = new DhtEngine({ keyPair: keyPairFromSeed(`${keySeed}-${i}`), bootstrap })
  engines.push(e)
  putters.push(new Putter(e))
  await e.start()
  return e
}

/**
 * Starts this worker's engines. With no bootstrap (the first worker) it grows as TestNet does:
 * the first three one after another, the rest concurrently through them; otherwise every engine
 * joins through the given seeds at once.
 */
async function init (first: number, count: number, bootstrap: Endpoint[], keySeed: string): Promise<Endpoint[]> {
  let seeds = bootstrap
  let i = 0
  if (seeds.length === 0) {
    for (; i < Math.min(3, count); i++) await add(first + i, keySeed, engines.map(e => e.endpoint))
    seeds = engines.map(e => e.endpoint)
  }
  const rest = Array.from({ length: count - i }, (_, j) => first + i + j)
  await Promise.all(rest.map(async g => await add(g, keySeed, seeds)))
  return engines.map(e => e.endpoint)
}

function counters (): SwarmCounters {
  const c = process.cpuUsage()
  return {
    cpuMs: (c.user + c.system) / 1000,
    packetsOut: engines.reduce((a, e) => a + e.stats.traffic.packetsOut, 0),
    verifies: engines.reduce((a, e) => a + e.stats.verifies, 0)
  }
}

async function stop (): Promise<void> {
  await Promise.all(engines.map(async e => await e.stop()))
  process.disconnect?.()
}

process.on('message', (m: ToWorker) => {
  if (m.t === 'init') {
    init(m.first, m.count, m.bootstrap, m.keySeed).then(
      endpoints => { send({ t: 'ready', endpoints }) },
      (e: Error) => { send({ t: 'failed', message: e.message }) }
    )
  } else if (m.t === 'op') {
    const e = engines[m.local]
    if (e === undefined) {
      send({ t: 'result', id: m.id, res: { ok: false, latMs: 0 } })
      return
    }
    void runOp(e, putters[m.local], m.req).then(res => { send({ t: 'result', id: m.id, res }) })
  } else if (m.t === 'counters') {
    send({ t: 'counters', id: m.id, counters: counters() })
  } else if (m.t === 'stop') {
    void stop()
  }
})
// The parent going away (crash, kill) ends this process too: no orphaned engines.
process.on('disconnect', () => { void Promise.all(engines.map(async e => await e.stop())).finally(() => process.exit(0)) })
