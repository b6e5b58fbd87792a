// Start-up and idle memory of one node process (issue 21 item 3).
// Start-up: `tau-node start` (mine: false, empty data dir) from spawn to its 'API listening' log line,
// and its RSS then, run as users run it (bin/tau-node.js on the compiled dist/) and through tsx on the
// TypeScript sources (TAU_RUN_SOURCES=1, the launcher before the build step) in turn, so load drift
// hits both; the tsx figure is the anchor, measured in the same run.
// Idle: a mine:false node synced from a serving node holding a short built chain, then left idle
// (NODE_BENCH_IDLE_S, 60 s); RSS, RssAnon, RssFile and the live heap at the end; goal RSS < 80 MB. It
// runs on glibc's malloc (a plain `tau-node start`); beside it one node on jemalloc (what the container
// image, the systemd unit and the testnet preload, when installed) and one with MALLOC_ARENA_MAX=2
// (the unit's fallback without jemalloc), and one on jemalloc with TAU_NATIVE_SECP256K1=0 (the WASM
// build of libsecp256k1 loaded, as before the node called the system's library; chain/secp256k1.mjs).
// Knobs: NODE_BENCH_STARTUP_REPS (5), NODE_BENCH_IDLE_S (60), NODE_BENCH_IDLE_BLOCKS (50).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BenchRow, median, row } from './harness.js'
import { BenchNode, REPO, timeMs } from './node/proc.js'
import { buildServedChain } from './node/servedChain.js'
import { jemallocPath } from '../testnet/allocator.js'
import { secp256k1Backend } from '../../chain/secp256k1.mjs'

const log = (s: string): void => { process.stderr.write(s + '\n') }
const envInt = (k: string, d: number): number => { const v = Number(process.env[k]); return Number.isInteger(v) && v > 0 ? v : d }
const MB = 2 ** 20
/** Goal for an idle synced node's RSS (issue 21 item 3). */
const IDLE_RSS_GOAL_MB = 80
const START_TIMEOUT_MS = 60_000

interface StartSample { ms: number, rss: number }

async function startOnce (genesisFile: string, dataDir: string, fromSources: boolean): Promise<StartSample> {
  const spawned = Date.now()
  const n = new BenchNode({ dataDir, genesisFile, fromSources })
  try {
    const l = await n.waitLine(x => x.message === 'API listening', START_TIMEOUT_MS, 'API listening')
    return { ms: timeMs(l) - spawned, rss: n.rssBytes() }
  } finally {
    await n.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

interface IdleSample { rss: number, anon: number, file: number, heapLive: number, heapUsed: number }

/** The idle nodes' environments (see the module comment); jemalloc only where it is installed. */
const IDLE_VARIANTS: Record<string, Record<string, string>> = { plain: { LD_PRELOAD: '' }, arena2: { LD_PRELOAD: '', MALLOC_ARENA_MAX: '2' }, ...(jemallocPath() !== undefined ? { jemalloc: {}, jemallocWasm: { TAU_NATIVE_SECP256K1: '0' } } : {}) }

/** Nodes synced from one serving node, then idle side by side for `idleS`, one per IDLE_VARIANTS. */
async function idle (work: string, idleS: number, blocks: number): Promise<Record<string, IdleSample>> {
  const served = await buildServedChain(join(work, 'served'), blocks, 8, log)
  const server = new BenchNode({ dataDir: served.dir, genesisFile: served.genesisFile, keyFile: served.keyFile })
  const nodes: BenchNode[] = []
  try {
    const ep = await server.dhtEndpoint()
    await server.waitLine(l => l.message === 'node ready', START_TIMEOUT_MS, 'server ready')
    for (const [name, env] of Object.entries(IDLE_VARIANTS)) nodes.push(new BenchNode({ dataDir: join(work, `idle-${name}`), genesisFile: served.genesisFile, bootstrap: ep, env }))
    for (const n of nodes) await n.waitLine(l => l.message === 'imported block' && l.id === served.tipId, 180_000, `sync to ${blocks}`)
    log(`  idle nodes synced ${blocks} blocks; idle ${idleS} s`)
    await new Promise(resolve => setTimeout(resolve, idleS * 1000))
    const out: Record<string, IdleSample> = {}
    for (const [i, name] of Object.keys(IDLE_VARIANTS).entries()) {
      const split = nodes[i].rssSplit() // before the probe, whose GC changes what is resident
      const rss = nodes[i].rssBytes()
      const mem = await nodes[i].memory()
      out[name] = { rss, anon: split.anon, file: split.file, heapLive: mem.heapLive, heapUsed: mem.heapUsed }
    }
    return out
  } finally {
    for (const n of nodes) await n.stop()
    await server.stop()
  }
}

export async function run (): Promise<BenchRow[]> {
  const reps = envInt('NODE_BENCH_STARTUP_REPS', 5)
  const work = mkdtempSync(join(tmpdir(), 'tau-node-bench-startup-'))
  const rows: BenchRow[] = []
  try {
    const genesisFile = join(REPO, 'genesis.json') // the embedded devnet
    const compiled: StartSample[] = []
    const sources: StartSample[] = []
    for (let r = 0; r < reps; r++) {
      compiled.push(await startOnce(genesisFile, join(work, `c${r}`), false))
      sources.push(await startOnce(genesisFile, join(work, `s${r}`), true))
      log(`  start-up rep ${r}: compiled ${compiled[r].ms} ms ${(compiled[r].rss / MB).toFixed(0)} MB, tsx ${sources[r].ms} ms ${(sources[r].rss / MB).toFixed(0)} MB`)
    }
    const tsxMs = median(sources.map(s => s.ms))
    const tsxRss = median(sources.map(s => s.rss / MB))
    rows.push(row('node.startup compiled', compiled.map(s => s.ms), 'ms', { bound: tsxMs, boundLabel: 'tsx', note: `spawn to 'API listening', dist/ vs the sources through tsx, alternated, ${reps} each` }))
    rows.push(row('node.startup tsx', sources.map(s => s.ms), 'ms', { note: 'the anchor: the launcher before the build step' }))
    rows.push(row('node.startup rss compiled', compiled.map(s => s.rss / MB), 'MB', { bound: tsxRss, boundLabel: 'tsx', note: 'RSS at API listening' }))
    rows.push(row('node.startup rss tsx', sources.map(s => s.rss / MB), 'MB', { note: 'RSS at API listening' }))
    const idleS = envInt('NODE_BENCH_IDLE_S', 60)
    const { plain: m, arena2, jemalloc, jemallocWasm } = await idle(work, idleS, envInt('NODE_BENCH_IDLE_BLOCKS', 50))
    rows.push({ name: 'node.idle rss compiled', value: m.rss / MB, unit: 'MB', bound: IDLE_RSS_GOAL_MB, boundLabel: 'goal', note: `synced mine:false node after ${idleS} s idle; anon ${(m.anon / MB).toFixed(1)}, file ${(m.file / MB).toFixed(1)}` })
    rows.push({ name: 'node.idle rss anon', value: m.anon / MB, unit: 'MB', note: 'RssAnon: V8 heaps, malloc, thread stacks' })
    rows.push({ name: 'node.idle rss file', value: m.file / MB, unit: 'MB', note: 'RssFile: the node binary, shared libraries, LevelDB tables mapped' })
    rows.push({ name: 'node.idle heap live', value: m.heapLive / MB, unit: 'MB', note: `after a full GC (heapUsed before it ${(m.heapUsed / MB).toFixed(1)})` })
    rows.push({ name: 'node.idle rss arena2', value: arena2.rss / MB, unit: 'MB', bound: IDLE_RSS_GOAL_MB, boundLabel: 'goal', note: `the same with MALLOC_ARENA_MAX=2, side by side; anon ${(arena2.anon / MB).toFixed(1)}, file ${(arena2.file / MB).toFixed(1)}` })
    if (jemalloc !== undefined) rows.push({ name: 'node.idle rss jemalloc', value: jemalloc.rss / MB, unit: 'MB', bound: IDLE_RSS_GOAL_MB, boundLabel: 'goal', note: `the same on jemalloc (the image, the unit, the testnet), side by side; anon ${(jemalloc.anon / MB).toFixed(1)}, file ${(jemalloc.file / MB).toFixed(1)}` })
    else log('  libjemalloc2 is not installed: no jemalloc row (apt-get install libjemalloc2)')
    if (jemalloc !== undefined && jemallocWasm !== undefined) rows.push({ name: 'node.idle rss jemalloc, native secp256k1 vs WASM', value: jemalloc.rss / MB, unit: 'MB', bound: jemallocWasm.rss / MB, boundLabel: 'WASM, side by side', note: `TAU_NATIVE_SECP256K1=0 beside it: anon ${(jemallocWasm.anon / MB).toFixed(1)}, file ${(jemallocWasm.file / MB).toFixed(1)}; ${secp256k1Backend().name} here` })
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return rows
}
