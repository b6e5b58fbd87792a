// Propagation and footprint (issue: node performance 3–4) in an 8-miner loopback testnet of real
// node processes (scripts/testnet/network.ts), genesis blockTime 10. Propagation: per block, the
// time from 'mined block' on its miner to 'imported block' of that id on the last of the other
// miners (p50, p95), and the fork rate: mined blocks that ended up off the main chain (they are why
// the tail is what it is: a miner left on a losing sibling switches only when the next block comes).
// Footprint: one extra mine:false node joins and syncs; then, over a window (5 minutes by default,
// as the issue asks), RSS and CPU (from /proc/<pid>/stat) of that idle node and of the miners, and
// the DHT push counters of every node (GET /dht).
// Knobs: NODE_BENCH_PROP_BLOCKS (30), NODE_BENCH_PROP_MAX_S (600), NODE_BENCH_IDLE_S (300).
import { readFileSync } from 'node:fs'
import { Testnet } from '../testnet/network.js'
import { healthyTimeoutMs } from '../testnet/constants.js'
import { type BenchRow, median, percentile } from './harness.js'
import { offMainChain, propagationMs, readBlockTimes } from './node/logTimes.js'

const NODES = 8
const BLOCK_TIME_S = 10
const log = (s: string): void => { process.stderr.write(s + '\n') }
const envInt = (k: string, d: number): number => { const v = Number(process.env[k]); return Number.isInteger(v) && v > 0 ? v : d }
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

function procStat (pid: number): { rss: number, cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) * 1024, cpuS: (Number(f[11]) + Number(f[12])) / 100 }
}

/** The push and direct-get retransmission counters of every node's DHT (GET /dht gauges), summed; nodes that do not answer are skipped. */
async function pushCounters (bases: string[]): Promise<Record<string, number>> {
  const sum: Record<string, number> = {}
  for (const base of bases) {
    try {
      const r = await fetch(`${base}/dht`, { signal: AbortSignal.timeout(5000) })
      const g = ((await r.json()) as { stats?: { gauges?: Record<string, number> } }).stats?.gauges ?? {}
      for (const k of ['pushSent', 'pushOk', 'pushAlreadyThere', 'pushFailed', 'pushTokenGets', 'mutablePutsStored', 'verifyCacheHits', 'directRetransmits', 'directAnsweredByRetransmit']) sum[k] = (sum[k] ?? 0) + (g[k] ?? 0)
    } catch { /* a node that does not answer is left out */ }
  }
  return sum
}

export async function run (): Promise<BenchRow[]> {
  const wantBlocks = envInt('NODE_BENCH_PROP_BLOCKS', 30)
  const maxS = envInt('NODE_BENCH_PROP_MAX_S', 600)
  const idleS = envInt('NODE_BENCH_IDLE_S', 300)
  const net = await Testnet.create({ nodes: NODES, blockTime: BLOCK_TIME_S, mutableRange: 6, seed: 'node-bench-propagation', spareNodes: 1 })
  const rows: BenchRow[] = []
  try {
    net.start()
    log(` ${NODES} miners started in ${net.dir}; waiting for health`)
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(BLOCK_TIME_S) })
    const miners = net.nodes.map(n => n.index)
    const deadline = Date.now() + maxS * 1000
    let counted = 0
    for (let lastLog = 0; Date.now() < deadline; await sleep(2000)) {
      counted = propagationMs(readBlockTimes(net.nodes.map(n => n.logPath)), miners).delays.length
      if (counted >= wantBlocks) break
      if (Date.now() - lastLog > 30_000) { log(`  ${counted}/${wantBlocks} blocks propagated to every node`); lastLog = Date.now() }
    }

    // Forks among the blocks of the propagation window, against the main chain as node 0 sees it now.
    const tipAtEnd = (await net.nodeAt(miners[0]).api.status()).tipId
    const forks = offMainChain(readBlockTimes(net.nodes.map(n => n.logPath)), tipAtEnd)
    log(`  forks: ${forks.off} of ${forks.settled} mined blocks are off the main chain; ${forks.sameSecond} of them have the same block time (s) as their main-chain sibling; mining-time gaps to the sibling (ms): ${forks.siblingGapsMs.join(', ')}`)

    log(' adding a mine:false node; footprint window follows')
    const idle = await net.addNode({ mine: false })
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(BLOCK_TIME_S), indices: [idle.index] })
    await net.waitConverged({ timeoutMs: 120_000, what: 'the idle node to sync' })
    const pids = net.running.map(n => ({ idx: n.index, pid: n.proc!.pid }))
    const before = new Map(pids.map(p => [p.idx, procStat(p.pid)]))
    const t0 = performance.now()
    const rssSamples = new Map<number, number[]>(pids.map(p => [p.idx, []]))
    for (let s = 0; s < idleS; s += 5) {
      await sleep(5000)
      for (const p of pids) rssSamples.get(p.idx)!.push(procStat(p.pid).rss)
    }
    const wallS = (performance.now() - t0) / 1000
    const cpuOf = (p: { idx: number, pid: number }): number => (procStat(p.pid).cpuS - before.get(p.idx)!.cpuS) / wallS
    const idleP = pids.find(p => p.idx === idle.index)!
    const minerPs = pids.filter(p => p.idx !== idle.index)

    const bt = readBlockTimes(net.nodes.map(n => n.logPath))
    const { delays, partial } = propagationMs(bt, miners)
    log(`  propagation: ${delays.length} blocks reached every miner, ${partial} did not (forks or in flight)`)
    const pushes = await pushCounters(net.running.map(n => n.api.base))
    log(`  DHT pushes (sum over nodes): ${JSON.stringify(pushes)}`)
    const note = `${delays.length} blocks, 8 miners, blockTime ${BLOCK_TIME_S}; ${partial} mined blocks not on every node`
    rows.push({ name: 'node.propagation p50', value: percentile(delays, 50), unit: 'ms', samples: delays, note })
    rows.push({ name: 'node.propagation p95', value: percentile(delays, 95), unit: 'ms', bound: 1500, boundLabel: 'goal', note: 'goal ratio < 1' })
    rows.push({ name: 'node.fork rate', value: forks.settled === 0 ? 0 : forks.off / forks.settled * 100, unit: '% mined', note: `${forks.off} of ${forks.settled} blocks mined in the propagation window are off the main chain; ${forks.sameSecond} share their sibling's block time (s)` })
    rows.push({ name: 'node.idle rss', value: median(rssSamples.get(idleP.idx)!) / 2 ** 20, unit: 'MB', bound: 120, boundLabel: 'goal', note: `synced mine:false node, ${Math.round(wallS)} s window` })
    rows.push({ name: 'node.idle cpu', value: cpuOf(idleP) * 100, unit: '% core', bound: 2, boundLabel: 'goal', note: `same window; imports ~1 block / ${BLOCK_TIME_S} s` })
    rows.push({ name: 'node.miner rss', value: median(minerPs.map(p => median(rssSamples.get(p.idx)!))) / 2 ** 20, unit: 'MB', note: 'median over the 8 miners' })
    rows.push({ name: 'node.miner cpu', value: median(minerPs.map(cpuOf)) * 100, unit: '% core', note: 'median over the 8 miners (8 processes share 2 cores)' })
  } finally {
    await net.stop()
    net.removeDir()
  }
  return rows
}
