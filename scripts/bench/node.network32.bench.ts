// 32 miners on loopback (issue 21 item 4): real node processes (scripts/testnet/network.ts), genesis
// blockTime 10. Rows: propagation p50/p95 (per block, 'mined block' on its miner to 'imported block'
// on the last of the other 31 miners, from the logs), fork rate (mined blocks off the main chain),
// per-node CPU (% of one core, /proc utime+stime over the window), UDP datagrams per second (GET
// /dht traffic) and RSS (median and max over the nodes), an idle mine:false node's CPU, and "no node falling behind": every status sample during
// the window, each node's height against the best one (a node more than one block behind is behind).
// 32 processes share the machine's cores with whatever else runs: the note of each row says how
// loaded the machine was (1-minute load average at the start and end of the window).
// Knobs: NODE_BENCH_N32_BLOCKS (15), NODE_BENCH_N32_MAX_S (600), NODE_BENCH_N32_WINDOW_S (120).
import { loadavg, cpus } from 'node:os'
import { healthyTimeoutMs } from '../testnet/constants.js'
import { Testnet } from '../testnet/network.js'
import { sampleProcess } from '../testnet/resources.js'
import { type BenchRow, median, percentile } from './harness.js'
import { datagramsPerS, dhtCounters, ratesPerS } from './networkDht.js'
import { offMainChain, propagationMs, readBlockTimes } from './node/logTimes.js'

const NODES = 32
const BLOCK_TIME_S = 10
/** Goals of the issue: propagation p95 (ms) and an idle node's CPU (% of one core). */
const GOAL_P95_MS = 300
const GOAL_IDLE_CPU_PCT = 1.5
/** A node whose height is more than this many blocks under the best node's is behind. */
const BEHIND_BLOCKS = 1
/** Status samples of every node during the window, one every this many ms. */
const SAMPLE_EVERY_MS = 5_000
/** Wait for the idle node to join and sync. */
const JOIN_TIMEOUT_MS = 180_000
const log = (s: string): void => { process.stderr.write(s + '\n') }
const envInt = (k: string, d: number): number => { const v = Number(process.env[k]); return Number.isInteger(v) && v > 0 ? v : d }
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const load = (): string => `load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`

interface Lag { samples: number, behindSamples: number, maxLag: number, silent: number }

/**
 * One round of /status; each answering miner's lag under the best height (the joining idle node is
 * left out: its sync is reported on its own row). Silent miners are counted apart.
 */
async function sampleLag (net: Testnet, acc: Lag): Promise<void> {
  const views = await net.poll()
  const heights = views.slice(0, NODES).map(v => v.status?.height)
  const known = heights.filter((h): h is number => h !== undefined)
  if (known.length === 0) return
  const best = Math.max(...known)
  const lag = Math.max(...known.map(h => best - h))
  acc.samples++
  acc.silent += heights.length - known.length
  acc.maxLag = Math.max(acc.maxLag, lag)
  if (lag > BEHIND_BLOCKS) acc.behindSamples++
}

/**
 * Waits (bounded) for the joining node to answer /health and come within BEHIND_BLOCKS of the best
 * height; says how far it got instead of throwing, so the footprint window runs either way.
 */
async function joinWithin (net: Testnet, index: number, timeoutMs: number): Promise<string> {
  const t0 = Date.now()
  try {
    await net.waitHealthy({ timeoutMs, indices: [index] })
  } catch (e) {
    return `not healthy after ${Math.round((Date.now() - t0) / 1000)} s (${(e as Error).message.split('\n')[0]})`
  }
  for (; Date.now() - t0 < timeoutMs; await sleep(SAMPLE_EVERY_MS)) {
    const views = await net.poll()
    const best = Math.max(0, ...views.map(v => v.status?.height ?? 0))
    const h = views[index]?.status?.height
    if (h !== undefined && h > 0 && best - h <= BEHIND_BLOCKS) return `synced to height ${h} (best ${best}) in ${Math.round((Date.now() - t0) / 1000)} s`
  }
  return `not synced after ${Math.round(timeoutMs / 1000)} s (height ${String(net.nodeAt(index).last?.status?.height)})`
}

export async function run (): Promise<BenchRow[]> {
  const wantBlocks = envInt('NODE_BENCH_N32_BLOCKS', 15)
  const maxS = envInt('NODE_BENCH_N32_MAX_S', 600)
  const windowS = envInt('NODE_BENCH_N32_WINDOW_S', 120)
  const net = await Testnet.create({ nodes: NODES, blockTime: BLOCK_TIME_S, mutableRange: 6, seed: 'node-bench-32', spareNodes: 1 })
  const rows: BenchRow[] = []
  try {
    const startLoad = load()
    net.start()
    log(` ${NODES} miners started in ${net.dir} (${startLoad}); waiting for health`)
    await net.waitHealthy({ timeoutMs: 2 * healthyTimeoutMs(BLOCK_TIME_S) })
    const miners = net.nodes.map(n => n.index)
    const lag: Lag = { samples: 0, behindSamples: 0, maxLag: 0, silent: 0 }
    const deadline = Date.now() + maxS * 1000
    for (let lastLog = 0, counted = 0; Date.now() < deadline; await sleep(SAMPLE_EVERY_MS)) {
      counted = propagationMs(readBlockTimes(net.nodes.map(n => n.logPath)), miners).delays.length
      if (counted >= wantBlocks) break
      await sampleLag(net, lag)
      if (Date.now() - lastLog > 30_000) { log(`  ${counted}/${wantBlocks} blocks propagated to every miner (${load()})`); lastLog = Date.now() }
    }
    const tipAtEnd = (await net.nodeAt(miners[0]).api.status()).tipId
    const bt = readBlockTimes(net.nodes.map(n => n.logPath))
    const forks = offMainChain(bt, tipAtEnd)
    const { delays, partial } = propagationMs(bt, miners)
    log(`  propagation: ${delays.length} blocks reached every miner, ${partial} did not; forks ${forks.off}/${forks.settled}`)

    log(' adding a mine:false node; footprint window follows')
    const idle = await net.addNode({ mine: false })
    const joined = await joinWithin(net, idle.index, JOIN_TIMEOUT_MS)
    log(`  idle node: ${joined}`)
    const pids = net.running.map(n => ({ idx: n.index, pid: n.proc!.pid }))
    const cpu0 = new Map(pids.map(p => [p.idx, sampleProcess(p.pid)?.cpuS ?? NaN]))
    const rss = new Map<number, number[]>(pids.map(p => [p.idx, []]))
    const bases = new Map(net.running.map(n => [n.index, n.api.base]))
    const dht0 = new Map(await Promise.all(pids.map(async p => [p.idx, await dhtCounters(bases.get(p.idx)!)] as const)))
    const windowLoad0 = load()
    const t0 = performance.now()
    for (const end = Date.now() + windowS * 1000; Date.now() < end;) {
      await sleep(SAMPLE_EVERY_MS)
      for (const p of pids) { const s = sampleProcess(p.pid); if (s !== undefined) rss.get(p.idx)!.push(s.rssKb / 1024) }
      await sampleLag(net, lag)
    }
    const wallS = (performance.now() - t0) / 1000
    const cpuPct = (p: { idx: number, pid: number }): number => ((sampleProcess(p.pid)?.cpuS ?? NaN) - cpu0.get(p.idx)!) / wallS * 100
    const idleP = pids.find(p => p.idx === idle.index)!
    const minerPs = pids.filter(p => p.idx !== idle.index)
    const minerCpu = minerPs.map(cpuPct)
    const minerRss = minerPs.map(p => median(rss.get(p.idx)!))
    const dgram = new Map(await Promise.all(pids.map(async p => [p.idx, datagramsPerS(ratesPerS(await dhtCounters(bases.get(p.idx)!), dht0.get(p.idx)!, wallS))] as const)))
    const minerDgram = minerPs.map(p => dgram.get(p.idx)!).filter(x => Number.isFinite(x))
    const loadNote = `machine ${windowLoad0} at the window's start, ${load()} at its end`
    log(`  ${loadNote}; lag samples ${JSON.stringify(lag)}`)

    const note = `${delays.length} blocks, ${NODES} miners, blockTime ${BLOCK_TIME_S}; ${partial} mined blocks not on every miner; ${startLoad} at start`
    rows.push({ name: 'node32.propagation p50', value: percentile(delays, 50), unit: 'ms', samples: delays, note })
    rows.push({ name: 'node32.propagation p95', value: percentile(delays, 95), unit: 'ms', bound: GOAL_P95_MS, boundLabel: 'goal', note: 'goal ratio < 1' })
    rows.push({ name: 'node32.fork rate', value: forks.settled === 0 ? NaN : forks.off / forks.settled * 100, unit: '% mined', note: `${forks.off} of ${forks.settled} mined blocks off the main chain; ${forks.sameSecond} share their sibling's block time (s)` })
    rows.push({ name: 'node32.idle cpu', value: cpuPct(idleP), unit: '% core', bound: GOAL_IDLE_CPU_PCT, boundLabel: 'goal', note: `mine:false node among ${NODES} miners (${joined}), ${Math.round(wallS)} s window; ${loadNote}` })
    rows.push({ name: 'node32.miner cpu median', value: median(minerCpu), unit: '% core', note: `over the ${NODES} miners, same window` })
    rows.push({ name: 'node32.miner cpu max', value: Math.max(...minerCpu), unit: '% core', note: 'the busiest miner, same window' })
    rows.push({ name: 'node32.idle datagrams', value: dgram.get(idleP.idx)!, unit: '/s', note: 'UDP datagrams in + out of the mine:false node (GET /dht traffic), same window' })
    rows.push({ name: 'node32.miner datagrams median', value: minerDgram.length === 0 ? NaN : median(minerDgram), unit: '/s', note: `in + out per miner, median over the ${minerDgram.length} that answered GET /dht at both ends` })
    rows.push({ name: 'node32.miner rss median', value: median(minerRss), unit: 'MB', note: 'median over the miners of each one\'s median RSS in the window' })
    rows.push({ name: 'node32.miner rss max', value: Math.max(...minerRss), unit: 'MB', note: 'the largest miner\'s median RSS' })
    rows.push({ name: 'node32.idle rss', value: median(rss.get(idleP.idx)!), unit: 'MB', note: `mine:false node (${joined}), median over the window` })
    rows.push({
      name: 'node32.samples with a node behind', value: lag.samples === 0 ? NaN : lag.behindSamples / lag.samples * 100, unit: '% samples',
      note: `${lag.behindSamples} of ${lag.samples} status rounds (every ${SAMPLE_EVERY_MS / 1000} s, mining and idle windows) had a miner > ${BEHIND_BLOCKS} block under the best; largest lag ${lag.maxLag}; ${lag.silent} miner answers missing`
    })
    rows.push({ name: 'node32.max lag', value: lag.maxLag, unit: 'blocks', bound: BEHIND_BLOCKS, boundLabel: 'goal', note: 'largest (best height − a miner\'s height) over every status round; goal ratio ≤ 1' })
  } finally {
    await net.stop()
    net.removeDir()
  }
  return rows
}
