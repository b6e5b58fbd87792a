// Beyond one loopback interface (issue 18), on real node processes:
// 1. propagation p50/p95 of 8 miners whose every outgoing DHT datagram waits 80 ms ± 20 ms and 2 %
//    are lost (dht/link.ts, emulated in the nodes' UDP layer: this kernel has no netem);
// 2. the direct-get success rate (direct answers / direct attempts, GET /status directGets) of 8
//    nodes in network namespaces with 2 of them behind their own NAT router (--netns --nat 2),
//    split into the nodes behind NAT and the others. Needs root, ip and nft; without them the rows
//    say so instead of a figure.
// Knobs: NODE_BENCH_LINK_BLOCKS (15 blocks), NODE_BENCH_LINK_MAX_S (400), NODE_BENCH_NAT_BLOCKS (10),
// NODE_BENCH_LINK_NAT=0 (no NAT part), NODE_BENCH_LINK_KEEP=1 (keep the logs).
import { healthyTimeoutMs } from '../testnet/constants.js'
import { netnsMissing } from '../testnet/netns.js'
import { Testnet } from '../testnet/network.js'
import { type BenchRow, percentile } from './harness.js'
import { propagationMs, readBlockTimes } from './node/logTimes.js'

const NODES = 8
const BLOCK_TIME_S = 10
const LINK = { latencyMs: 80, jitterMs: 20, lossPct: 2 }
const log = (s: string): void => { process.stderr.write(s + '\n') }
const envInt = (k: string, d: number): number => { const v = Number(process.env[k]); return Number.isInteger(v) && v > 0 ? v : d }
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * The propagation path's DHT figures, summed over the nodes: direct gets tried and answered, the
 * recursive lookups that followed a failed direct get, misses, the direct-get retransmissions
 * (dht/retransmit.ts) and the pushes; the worst node's direct and recursive get latency (p50/p95).
 */
async function dhtPath (bases: string[]): Promise<Record<string, number>> {
  const sum: Record<string, number> = {}
  const add = (k: string, v: number | null | undefined): void => { sum[k] = (sum[k] ?? 0) + (v ?? 0) }
  const max = (k: string, v: number | null | undefined): void => { sum[k] = Math.max(sum[k] ?? 0, Math.round(v ?? 0)) }
  for (const base of bases) {
    try {
      const r = await fetch(`${base}/dht`, { signal: AbortSignal.timeout(5000) })
      const s = ((await r.json()) as { stats?: DhtPathStats }).stats
      if (s === undefined) continue
      add('directTried', s.requests?.direct); add('directAnswered', s.gets?.direct); add('recursiveLookups', s.requests?.recursive)
      add('recursiveFound', s.gets?.recursive); add('missed', s.gets?.failed)
      for (const g of ['directRetransmits', 'directAnsweredByRetransmit', 'pushSent', 'pushOk', 'pushFailed']) add(g, s.gauges?.[g])
      max('directRttMsMax', s.gauges?.directRttMs)
      max('getDirectP50MsMax', s.latencyMs?.getDirect?.p50); max('getDirectP95MsMax', s.latencyMs?.getDirect?.p95)
      max('getRecursiveP50MsMax', s.latencyMs?.getRecursive?.p50); max('getRecursiveP95MsMax', s.latencyMs?.getRecursive?.p95)
    } catch { /* a node that does not answer is left out */ }
  }
  return sum
}

interface DhtPathStats {
  requests?: { direct?: number, recursive?: number }
  gets?: { direct?: number, recursive?: number, failed?: number }
  gauges?: Record<string, number>
  latencyMs?: Record<string, { p50: number | null, p95: number | null } | undefined>
}

async function lossyPropagation (): Promise<BenchRow[]> {
  const want = envInt('NODE_BENCH_LINK_BLOCKS', 15)
  const maxS = envInt('NODE_BENCH_LINK_MAX_S', 400)
  const net = await Testnet.create({ nodes: NODES, blockTime: BLOCK_TIME_S, mutableRange: 6, seed: 'node-bench-link', link: LINK })
  try {
    net.start()
    log(` ${NODES} miners over an emulated ${LINK.latencyMs} ± ${LINK.jitterMs} ms, ${LINK.lossPct} % loss link; waiting for health`)
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(BLOCK_TIME_S) })
    const miners = net.nodes.map(n => n.index)
    const deadline = Date.now() + maxS * 1000
    let r = { delays: [] as number[], partial: 0 }
    for (let lastLog = 0; Date.now() < deadline; await sleep(2000)) {
      r = propagationMs(readBlockTimes(net.nodes.map(n => n.logPath)), miners)
      if (r.delays.length >= want) break
      if (Date.now() - lastLog > 30_000) { log(`  ${r.delays.length}/${want} blocks propagated to every node`); lastLog = Date.now() }
    }
    log(`  where the time goes (sum over nodes, GET /dht): ${JSON.stringify(await dhtPath(net.running.map(n => n.api.base)))}`)
    const note = `${r.delays.length} blocks, 8 miners, blockTime ${BLOCK_TIME_S}, every link ${LINK.latencyMs} ± ${LINK.jitterMs} ms and ${LINK.lossPct} % loss (emulated); ${r.partial} mined blocks not on every node`
    return [
      { name: 'node.propagation lossy p50', value: percentile(r.delays, 50), unit: 'ms', samples: r.delays, note },
      { name: 'node.propagation lossy p95', value: percentile(r.delays, 95), unit: 'ms', note }
    ]
  } finally {
    await net.stop()
    // NODE_BENCH_LINK_KEEP=1 keeps the run's directory (the nodes' logs, for a per-phase look).
    if (process.env.NODE_BENCH_LINK_KEEP === '1') log(`  kept ${net.dir}`); else net.removeDir()
  }
}

async function natDirectRate (): Promise<BenchRow[]> {
  const missing = netnsMissing()
  if (missing !== undefined) {
    log(`  direct-get rate behind NAT not measured: ${missing.message}`)
    return [{ name: 'node.direct-get rate, 2/8 NAT', value: NaN, unit: '%', note: `not measured: ${missing.code}` }]
  }
  const want = envInt('NODE_BENCH_NAT_BLOCKS', 10)
  const net = await Testnet.create({ nodes: NODES, blockTime: BLOCK_TIME_S, mutableRange: 6, seed: 'node-bench-nat', netns: { nat: 2 } })
  try {
    net.start()
    log(` ${NODES} nodes in network namespaces, 2 behind NAT; waiting for height ${want}`)
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(BLOCK_TIME_S) })
    await net.waitConverged({ minHeight: want, timeoutMs: (want * 2 * 18 + 120) * 1000, what: `height ${want}` })
    const views = await net.poll()
    const natted = net.natGroups()
    const sum = (pick: (i: number) => boolean): { attempts: number, answered: number } => views.reduce((a, v, i) => {
      const d = v.status?.directGets
      return pick(i) && d !== undefined ? { attempts: a.attempts + d.attempts, answered: a.answered + d.answered } : a
    }, { attempts: 0, answered: 0 })
    const pct = (s: { attempts: number, answered: number }): number => s.attempts === 0 ? NaN : s.answered / s.attempts * 100
    const all = sum(() => true)
    const behind = sum(i => natted[i] !== null)
    const open = sum(i => natted[i] === null)
    log(`  direct gets: all ${JSON.stringify(all)}, behind NAT ${JSON.stringify(behind)}, others ${JSON.stringify(open)}`)
    const note = (s: { attempts: number, answered: number }): string => `${s.answered} of ${s.attempts} direct gets answered, height ${want}, --netns --nat 2`
    return [
      { name: 'node.direct-get rate, 2/8 NAT', value: pct(all), unit: '%', note: note(all) },
      { name: 'node.direct-get rate, from NAT', value: pct(behind), unit: '%', note: note(behind) },
      { name: 'node.direct-get rate, others', value: pct(open), unit: '%', note: note(open) }
    ]
  } finally {
    await net.stop()
    net.removeDir()
  }
}

export async function run (): Promise<BenchRow[]> {
  // NODE_BENCH_LINK_NAT=0 leaves the NAT part out (a run that compares propagation only).
  const nat = process.env.NODE_BENCH_LINK_NAT === '0' ? [] : await natDirectRate()
  return [...await lossyPropagation(), ...nat]
}
