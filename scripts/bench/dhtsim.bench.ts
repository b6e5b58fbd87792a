// DHT at internet scale, simulated: the project's own DHT engine at N = 64, 256 and 1,000 nodes (one
// real UDP socket per node on 127.0.0.1, all in this process), joined through a few contacts each.
// Items are put while every node is up; then recursive mutable and immutable gets (no owner endpoint)
// run from random live readers with 0 % and then 20 % of the nodes silent (dropping every datagram).
// Per N and silent share: success rate, hops (lookup depth; bound: Kademlia's ⌈log2 N / b⌉ with our
// b = 1), messages per lookup, latency p50/p95, and the longest any lookup waited on a silent node
// (bound: the per-query timeout). Draws docs/dht-scaling.svg.
// Knobs: DHTSIM_SIZES=64,256  DHTSIM_LOOKUPS=200  DHTSIM_SEED=1  DHTSIM_PLOT=path|none
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { QUERY_TIMEOUT_MS } from '../../dht/constants.js'
import * as S from './dhtsim/constants.js'
import { type Kind, type PhaseFigures, Readers, putItems } from './dhtsim/lookups.js'
import { silence, startSimNet, unsilence } from './dhtsim/net.js'
import { type PlotPoint, drawPlot } from './dhtsim/plot.js'
import { seeded } from './dhtsim/rng.js'
import { type BenchRow, median, percentile, row } from './harness.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function intList (raw: string | undefined, dflt: number[], min: number, max: number, name: string): number[] {
  if (raw === undefined || raw.trim() === '') return dflt
  const xs = raw.split(',').map(s => Number(s.trim()))
  if (xs.length === 0 || xs.some(x => !Number.isInteger(x) || x < min || x > max)) {
    throw new Error(`DHTSIM_BAD_KNOB: ${name} must be integers in ${min}..${max}, got "${raw}"`)
  }
  return xs
}

export const expectedHops = (n: number): number => Math.ceil(Math.log2(n) / S.BITS_PER_HOP)

function phaseRows (n: number, silentPct: number, kind: Kind, f: PhaseFigures): BenchRow[] {
  const p = `dhtsim.n${n}.silent${silentPct}.${kind}`
  const rate = f.lookups === 0 ? 0 : (100 * f.found) / f.lookups
  return [
    row(`${p}.success`, [rate], '%', { bound: 99, boundLabel: 'goal', note: `${f.found}/${f.lookups} found (recursive, verified, latest seq)` }),
    row(`${p}.hops`, f.hops, 'hops', { bound: expectedHops(n), boundLabel: `⌈log2 N/b⌉, b=${S.BITS_PER_HOP}`, note: `lookup depth; p95 ${percentile(f.hops, 95)}, max ${Math.max(...f.hops)}` }),
    row(`${p}.messages`, f.messages, 'queries', { note: `get queries sent per lookup; p95 ${percentile(f.messages, 95)}` }),
    row(`${p}.latency.p50`, [percentile(f.latencyMs, 50)], 'ms'),
    row(`${p}.latency.p95`, [percentile(f.latencyMs, 95)], 'ms', { note: `max ${Math.max(...f.latencyMs).toFixed(0)} ms` })
  ]
}

export async function run (): Promise<BenchRow[]> {
  const sizes = intList(process.env.DHTSIM_SIZES, S.DEFAULT_SIZES, S.MIN_NODES, S.MAX_NODES, 'DHTSIM_SIZES')
  const [lookups] = intList(process.env.DHTSIM_LOOKUPS, [S.DEFAULT_LOOKUPS], 1, S.MAX_LOOKUPS, 'DHTSIM_LOOKUPS')
  const [seed] = intList(process.env.DHTSIM_SEED, [1], 0, 2 ** 31, 'DHTSIM_SEED')
  const plotPath = process.env.DHTSIM_PLOT ?? S.DEFAULT_PLOT_PATH
  const rows: BenchRow[] = []
  const points: PlotPoint[] = []
  for (const n of sizes) {
    const rng = seeded(seed * 7919 + n)
    const deadlineAt = performance.now() + S.SIZE_DEADLINE_MS
    const rss0 = process.memoryUsage().rss
    const net = await startSimNet(n, rng, deadlineAt)
    try {
      const tables = net.engines.map(e => e.nodeCount())
      rows.push(row(`dhtsim.n${n}.join`, [net.joinMs], 'ms', {
        note: `${S.JOIN_BATCH} at a time, ${S.BOOTSTRAP_PEERS} contacts each; routing table median ${median(tables)} (min ${Math.min(...tables)}); process RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB (${(rss0 / 1048576).toFixed(0)} before)`
      }))
      const { items, failed } = await putItems(net.engines, S.ITEMS_PER_KIND, `sim${n}`, rng)
      if (failed > 0) rows.push(row(`dhtsim.n${n}.putsFailed`, [failed], 'count', { note: 'puts that failed before any node went silent: should be 0' }))
      const readers = new Readers(net.engines)
      for (const silentPct of [0, S.SILENT_PCT]) {
        if (performance.now() > deadlineAt) throw new Error(`dhtsim: N=${n} ran past its ${S.SIZE_DEADLINE_MS} ms deadline`)
        const gone = silentPct === 0 ? { idx: new Set<number>(), eps: new Set<string>() } : silence(net.engines, Math.round((n * silentPct) / 100), rng)
        let maxWait = 0
        let silentQueries = 0
        const waits: number[] = []
        let loopP99 = 0
        let loopMax = 0
        for (const kind of ['mutable', 'immutable'] as const) {
          const f = await readers.phase(items, kind, lookups, gone.idx, gone.eps, rng)
          rows.push(...phaseRows(n, silentPct, kind, f))
          points.push({ n, kind, silentPct, hops: f.hops.reduce((a, b) => a + b, 0) / Math.max(1, f.hops.length), p50: percentile(f.latencyMs, 50), p95: percentile(f.latencyMs, 95) })
          maxWait = Math.max(maxWait, f.maxSilentWaitMs)
          silentQueries += f.silentQueries
          waits.push(...f.silentWaitsMs)
          loopP99 = Math.max(loopP99, f.loopDelayP99Ms)
          loopMax = Math.max(loopMax, f.loopDelayMaxMs)
        }
        if (silentPct > 0) {
          rows.push(row(`dhtsim.n${n}.silent${silentPct}.maxSilentWait`, [maxWait], 'ms', {
            bound: QUERY_TIMEOUT_MS, boundLabel: 'query timeout', note: `longest any lookup waited on one silent node (p50 ${percentile(waits, 50).toFixed(0)}, p99 ${percentile(waits, 99).toFixed(0)} ms over ${silentQueries} queries to silent nodes); event-loop delay meanwhile p99 ${loopP99.toFixed(0)}, max ${loopMax.toFixed(0)} ms`
          }))
        }
        unsilence(net.engines)
      }
    } finally {
      await net.stop()
    }
  }
  if (plotPath !== 'none' && points.length > 0) {
    const svg = drawPlot({
      points,
      expectedHops,
      queryTimeoutMs: QUERY_TIMEOUT_MS,
      caption: `tau-node DHT on 127.0.0.1, one process; ${lookups} recursive gets per kind, N and silent share; ${new Date().toISOString().slice(0, 10)}`
    })
    const out = resolve(root, plotPath)
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, svg)
    process.stderr.write(`dhtsim: plot written to ${out}\n`)
  }
  return rows
}
