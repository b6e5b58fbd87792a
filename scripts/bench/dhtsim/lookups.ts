// The simulation's workload: items put while the whole network is up, then recursive gets of them
// (no owner endpoint: the lookup must walk the network) from random live readers, a few readers at
// once, each reader one lookup at a time so its traced queries belong to that lookup alone.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { encodeCanonical } from '../../../chain/bencode.js'
import { bytesEqual } from '../../../chain/hex.js'
import type { DhtEngine } from '../../../dht/engine.js'
import { Getter } from '../../../dht/get.js'
import { Putter } from '../../../dht/put.js'
import { PARALLEL_LOOKUPS, PARALLEL_PUTS } from './constants.js'
import { type Rng, pick } from './rng.js'
import { LookupTrace } from './trace.js'

export type Kind = 'mutable' | 'immutable'

export interface Item { kind: Kind, owner: number, value: Uint8Array, target: Uint8Array, salt?: Uint8Array, seq?: number }

export interface PhaseFigures {
  lookups: number
  found: number
  latencyMs: number[]
  hops: number[]
  messages: number[]
  silentQueries: number
  maxSilentWaitMs: number
  silentWaitsMs: number[]
  /** Event-loop delay over the phase (ms): how late this process ran its timers, the library's
   *  query-expiry check among them (1,000 engines share one loop on a shared 2-core machine). */
  loopDelayP99Ms: number
  loopDelayMaxMs: number
}

const enc = new TextEncoder()

/** Runs `fns` with at most `width` at once. */
async function pool (fns: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(width, fns.length) }, async () => {
    while (next < fns.length) await fns[next++]()
  }))
}

/** Puts `perKind` mutable and `perKind` immutable items from random owners; returns those stored. */
export async function putItems (engines: DhtEngine[], perKind: number, tag: string, rng: Rng): Promise<{ items: Item[], failed: number }> {
  const items: Item[] = []
  let failed = 0
  const jobs: Array<() => Promise<void>> = []
  for (let j = 0; j < perKind; j++) {
    for (const kind of ['mutable', 'immutable'] as const) {
      const owner = Math.floor(rng() * engines.length)
      const value = encodeCanonical({ sim: enc.encode(`${tag}-${kind}-${j}`), pad: new Uint8Array(200) })
      jobs.push(async () => {
        const putter = new Putter(engines[owner])
        if (kind === 'immutable') {
          const h = putter.putImmutable(value)
          if ((await h.done).ok) items.push({ kind, owner, value, target: h.target })
          else failed++
          return
        }
        const salt = enc.encode(`${tag}-${j}`)
        const h = putter.putMutable({ salt, value, seq: j + 1 })
        if ((await h.done).ok) items.push({ kind, owner, value, target: h.target, salt, seq: j + 1 })
        else failed++
      })
    }
  }
  await pool(jobs, PARALLEL_PUTS)
  return { items, failed }
}

export class Readers {
  private readonly getters = new Map<number, Getter>()
  private readonly traces = new Map<number, LookupTrace>()
  private readonly busy = new Set<number>()

  constructor (private readonly engines: DhtEngine[]) {}

  /** `count` gets of `kind` over `items`, from live readers (not in `silentIdx`), never the owner. */
  async phase (items: Item[], kind: Kind, count: number, silentIdx: ReadonlySet<number>, silentEps: ReadonlySet<string>, rng: Rng): Promise<PhaseFigures> {
    const pool0 = items.filter(i => i.kind === kind)
    const f: PhaseFigures = { lookups: 0, found: 0, latencyMs: [], hops: [], messages: [], silentQueries: 0, maxSilentWaitMs: 0, silentWaitsMs: [], loopDelayP99Ms: 0, loopDelayMaxMs: 0 }
    if (pool0.length === 0) return f
    const loop = monitorEventLoopDelay({ resolution: 10 })
    const jobs = Array.from({ length: count }, (_, n) => async () => {
      const item = pool0[n % pool0.length]
      const reader = this.reader(item, silentIdx, rng)
      this.busy.add(reader)
      try {
        const trace = this.trace(reader)
        trace.begin(item.target)
        const t0 = performance.now()
        const ok = await this.get(reader, item)
        f.latencyMs.push(performance.now() - t0)
        const t = trace.end(silentEps)
        f.lookups++
        if (ok) f.found++
        f.hops.push(t.hops)
        f.messages.push(t.messages)
        f.silentQueries += t.silentQueries
        f.maxSilentWaitMs = Math.max(f.maxSilentWaitMs, t.maxSilentWaitMs)
        f.silentWaitsMs.push(...t.silentWaitsMs)
      } finally {
        this.busy.delete(reader)
      }
    })
    loop.enable()
    try {
      await pool(jobs, PARALLEL_LOOKUPS)
    } finally {
      loop.disable()
    }
    f.loopDelayP99Ms = loop.percentile(99) / 1e6
    f.loopDelayMaxMs = loop.max / 1e6
    return f
  }

  private async get (reader: number, item: Item): Promise<boolean> {
    const g = this.getter(reader)
    if (item.kind === 'immutable') {
      const r = await g.getImmutable(item.target)
      return r !== null && r.path === 'recursive' && bytesEqual(r.value, item.value)
    }
    const k = this.engines[item.owner].keyPair!.publicKey
    const r = await g.getMutable(k, item.salt!)
    return r !== null && r.path === 'recursive' && r.seq === item.seq && bytesEqual(r.value, item.value)
  }

  /** A random live reader that is idle, is not the owner and holds no copy (else the get is local). */
  private reader (item: Item, silentIdx: ReadonlySet<number>, rng: Rng): number {
    const n = this.engines.length
    for (let tries = 0; tries < 10 * n; tries++) {
      const i = Math.floor(rng() * n)
      if (i === item.owner || silentIdx.has(i) || this.busy.has(i)) continue
      if (this.engines[i].storedValue(item.target) !== undefined) continue
      return i
    }
    const [any] = pick([...Array(n).keys()].filter(i => i !== item.owner && !silentIdx.has(i) && !this.busy.has(i)), 1, rng)
    if (any === undefined) throw new Error('dhtsim: no idle live reader')
    return any
  }

  private getter (i: number): Getter {
    let g = this.getters.get(i)
    if (g === undefined) { g = new Getter(this.engines[i]); this.getters.set(i, g) }
    return g
  }

  private trace (i: number): LookupTrace {
    let t = this.traces.get(i)
    if (t === undefined) { t = new LookupTrace(this.engines[i]); this.traces.set(i, t) }
    return t
  }
}
