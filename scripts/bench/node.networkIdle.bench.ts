// An idle node's cost per peer (issue 21 item 4): a loopback testnet of real node processes
// (scripts/testnet/network.ts, genesis blockTime 10) with NODE_BENCH_IDLE_MINERS miners and one
// mine:false node that joins and syncs; then, over a window, that node's CPU (% of one core, /proc
// utime+stime) and the UDP datagrams it sends and receives per second (GET /dht traffic counters),
// and the same for the miners (median). With 33 processes on two cores the per-node idle cost is
// what decides whether a 32-miner net keeps up (node.network32), so this is the row to watch.
// NODE_BENCH_IDLE_PROF_DIR: every node runs under the V8 profiler (scripts/bench/node/profiled/),
// its profile written there at exit; the log names the idle node's pid. The profiler costs CPU itself.
// The window starts NODE_BENCH_IDLE_SETTLE_S after the idle node synced: a node that just joined reads
// every peer by lookups until their blkTips name their endpoints, which is joining, not idling.
// Knobs: NODE_BENCH_IDLE_MINERS (8), NODE_BENCH_IDLE_WINDOW_S (60), NODE_BENCH_IDLE_SETTLE_S (150; 0 measures from the sync).
import { loadavg, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { healthyTimeoutMs } from '../testnet/constants.js'
import { Testnet } from '../testnet/network.js'
import { sampleProcess } from '../testnet/resources.js'
import { type BenchRow, median } from './harness.js'
import { datagramsPerS, dhtCounters, ratesPerS } from './networkDht.js'

const BLOCK_TIME_S = 10
/** The goal for an idle node's CPU (% of one core). */
const GOAL_IDLE_CPU_PCT = 1.5
/** Wait for the idle node to sync (ms). */
const JOIN_TIMEOUT_MS = 120_000
/** Seconds between the idle node's sync and the window: the read back-offs (empty channels up to 60 s,
 *  silent accounts up to 120 s) reach their caps ~2 min after a start, so the window sees the steady state. */
const DEFAULT_SETTLE_S = 150
const log = (s: string): void => { process.stderr.write(s + '\n') }
const envInt = (k: string, d: number, min = 1): number => { const v = Number(process.env[k] ?? NaN); return Number.isInteger(v) && v >= min ? v : d }
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const load = (): string => `load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`

export async function run (): Promise<BenchRow[]> {
  const miners = envInt('NODE_BENCH_IDLE_MINERS', 8)
  const windowS = envInt('NODE_BENCH_IDLE_WINDOW_S', 60)
  const settleS = envInt('NODE_BENCH_IDLE_SETTLE_S', DEFAULT_SETTLE_S, 0)
  const profDir = process.env.NODE_BENCH_IDLE_PROF_DIR
  const nodeScript = profDir === undefined ? undefined : fileURLToPath(new URL('./node/profiled/tau-node.js', import.meta.url))
  if (profDir !== undefined) process.env.PROF_DIR = profDir // read by the profiled launcher
  const net = await Testnet.create({ nodes: miners, blockTime: BLOCK_TIME_S, mutableRange: 6, seed: 'node-bench-idle', spareNodes: 1, nodeScript })
  const rows: BenchRow[] = []
  try {
    net.start()
    log(` ${miners} miners started in ${net.dir} (${load()}); waiting for health`)
    await net.waitHealthy({ timeoutMs: 2 * healthyTimeoutMs(BLOCK_TIME_S) })
    const idle = await net.addNode({ mine: false })
    await net.waitHealthy({ timeoutMs: 2 * healthyTimeoutMs(BLOCK_TIME_S), indices: [idle.index] })
    await net.waitConverged({ timeoutMs: JOIN_TIMEOUT_MS, what: 'the idle node to sync' })
    const nodes = net.running.map(n => ({ idx: n.index, pid: n.proc!.pid, base: n.api.base }))
    log(`  idle node synced (pid ${idle.proc!.pid}); ${windowS} s window after ${settleS} s`)
    await sleep(settleS * 1000)
    const cpu0 = new Map(nodes.map(p => [p.idx, sampleProcess(p.pid)?.cpuS ?? NaN]))
    const dht0 = new Map(await Promise.all(nodes.map(async p => [p.idx, await dhtCounters(p.base)] as const)))
    const load0 = load()
    const t0 = performance.now()
    await sleep(windowS * 1000)
    const wallS = (performance.now() - t0) / 1000
    const cpuPct = new Map(nodes.map(p => [p.idx, ((sampleProcess(p.pid)?.cpuS ?? NaN) - cpu0.get(p.idx)!) / wallS * 100]))
    const rates = new Map(await Promise.all(nodes.map(async p => [p.idx, ratesPerS(await dhtCounters(p.base), dht0.get(p.idx)!, wallS)] as const)))
    const loadNote = `machine ${load0} at the window's start, ${load()} at its end`
    const idleR = rates.get(idle.index)!
    const shown = Object.fromEntries(Object.entries(idleR).filter(([, v]) => v !== 0).map(([k, v]) => [k, Math.round(v * 100) / 100]))
    log(`  idle node, per second over the window: ${JSON.stringify(shown)}`)
    log(`  ${loadNote}`)
    const minerIdx = nodes.filter(p => p.idx !== idle.index).map(p => p.idx)
    const peers = `${miners} miners + this node`
    rows.push({ name: `nodeIdle${miners}.cpu`, value: cpuPct.get(idle.index)!, unit: '% core', bound: GOAL_IDLE_CPU_PCT, boundLabel: 'goal', note: `synced mine:false node, ${peers}, ${Math.round(wallS)} s window from ${settleS} s after its sync; ${loadNote}` })
    rows.push({ name: `nodeIdle${miners}.datagrams`, value: datagramsPerS(idleR), unit: '/s', note: `UDP datagrams in + out of the idle node (GET /dht traffic): ${(idleR['traffic.packetsIn'] ?? NaN).toFixed(1)} in, ${(idleR['traffic.packetsOut'] ?? NaN).toFixed(1)} out` })
    rows.push({ name: `nodeIdle${miners}.recursive gets`, value: idleR['requests.recursive'] ?? NaN, unit: '/s', note: `lookups the idle node started; direct gets ${(idleR['requests.direct'] ?? NaN).toFixed(2)}/s, gets answered by the owner's "no value" ${(idleR['gauges.getsOwnerEmpty'] ?? 0).toFixed(2)}/s` })
    rows.push({ name: `nodeIdle${miners}.miner cpu median`, value: median(minerIdx.map(i => cpuPct.get(i)!)), unit: '% core', note: `over the ${miners} miners, same window (they mine a block per ~${BLOCK_TIME_S} s)` })
    rows.push({ name: `nodeIdle${miners}.miner datagrams median`, value: median(minerIdx.map(i => datagramsPerS(rates.get(i)!))), unit: '/s', note: 'in + out per miner, same window' })
  } finally {
    await net.stop()
    net.removeDir()
  }
  return rows
}
