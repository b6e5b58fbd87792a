// End-to-end sync (issue: node performance 1–2): a serving node (mine: false) holds a built chain
// of N blocks × 8 transfers; a fresh node bootstrapped to it on 127.0.0.1 starts with an empty data
// dir, and we time from its 'node starting' log line to its 'imported block' line for the server's
// tip. Bound: signature checks per second of the same data on one core (1 + 8 per block), measured
// in this run. Growth (issue 9): the same at several lengths up to 8,000 blocks; time per block and
// the syncing node's heap after sync, each against the smallest length (goal ratio ≤ 1.2: the chain
// lives in LevelDB, so neither should grow with its length), RSS after and at its peak during the
// sync for information (it includes LevelDB's caches and memtables and what V8 and the allocator
// have not returned), and the marginal ms/block between lengths (without the fixed start-up).
// The heap figure is the live heap: memProbe.mjs runs a full GC before reading it (heapUsed without
// one moved with GC timing). It includes the store's LRU caches (bounded in entries), which fill as
// the chain grows: flat means bounded once they are full, and the 2,000 → 8,000 ratio shows that.
// Knobs: NODE_BENCH_SYNC_BLOCKS (2000), NODE_BENCH_GROWTH ("500,2000,8000"; "" to skip; the first is
// the baseline; building 8,000 blocks takes ~1–2 min and a few hundred MB in this process),
// NODE_BENCH_REPS (3), NODE_BENCH_CPU_PROF (a dir: profile the syncing node), NODE_BENCH_SERVER_CPU_PROF (the serving one), NODE_BENCH_LOG_LEVEL
// (the syncing node's, e.g. debug for the per-phase 'sync walk' / 'sync chunk' lines), NODE_BENCH_LOG_DIR
// (a dir: keep the syncing node's log lines as JSONL).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ecc from 'tiny-secp256k1'
import { secp256k1Backend } from '../../chain/secp256k1.mjs'
import { RELEASE_GC_GAP_MS, RELEASE_MAX_GCS } from '../../node/constants.js'
import { type BenchRow, median, row } from './harness.js'
import { BenchNode, type LogLine, timeMs } from './node/proc.js'
import { type ServedChain, buildServedChain, verifyRate } from './node/servedChain.js'

const TXS_PER_BLOCK = 8
const SIGS_PER_BLOCK = 1 + TXS_PER_BLOCK
const log = (s: string): void => { process.stderr.write(s + '\n') }
const envInt = (k: string, d: number): number => { const v = Number(process.env[k]); return Number.isInteger(v) && v > 0 ? v : d }

interface SyncSample { ms: number, rss: number, rssAnon: number, rssFile: number, heap: number, heapUsed: number, cpuS: number, peakRss: number, allocator: string }

/** Timeout for one sync: generous (the slowest seen is ~25 blocks/s; this allows ~8/s, 8,000 blocks in 18 min) but bounded. */
const syncTimeoutMs = (blocks: number): number => 120_000 + blocks * 120

/** How long to wait for the post-sync release (the pool's workers stop first, its later GCs come RELEASE_GC_GAP_MS apart), and how long V8 takes to unmap the freed pages after it. */
const RELEASE_WAIT_MS = 60_000 + RELEASE_GC_GAP_MS * RELEASE_MAX_GCS
const RELEASE_SETTLE_MS = 3_000

/**
 * The growth rows read RssAnon after the full GC that follows a long sync (node/memory.ts logs
 * 'memory released after sync' once the verify pool stopped), plus a few seconds for V8 to unmap
 * what it freed: read at the tip's import, they showed the sync's garbage, not what stays.
 * False when no release was logged (a sync too short for the pool): the figure is then read as is.
 */
async function afterRelease (node: BenchNode, done: LogLine): Promise<boolean> {
  const from = node.lines.indexOf(done)
  let rel: LogLine
  try {
    rel = await node.waitLine(l => l.message === 'memory released after sync', RELEASE_WAIT_MS, 'memory released after sync', from)
  } catch { return false }
  log(`  released after sync in ${String(rel.ms)} ms: rss ${JSON.stringify(rel.rssMB)} MB, heapUsed ${JSON.stringify(rel.heapUsedMB)} MB, heapTotal ${JSON.stringify(rel.heapTotalMB)} MB (before, then after each of its ${String(rel.gcs)} ${String(rel.kind)} GCs), malloc_trim ${JSON.stringify(rel.trim)}`)
  await new Promise(res => setTimeout(res, RELEASE_SETTLE_MS))
  return true
}

async function syncOnce (served: ServedChain, bootstrap: string, work: string, rep: number): Promise<SyncSample> {
  const dataDir = join(work, `fresh-${served.height}-${rep}`)
  const fresh = new BenchNode({ dataDir, genesisFile: served.genesisFile, bootstrap, cpuProfDir: process.env.NODE_BENCH_CPU_PROF, logLevel: process.env.NODE_BENCH_LOG_LEVEL })
  // The syncing node's RSS while it syncs (the walk holds the branch in memory): the peak of 4 reads a second.
  let peakRss = 0
  const sampler = setInterval(() => { try { peakRss = Math.max(peakRss, fresh.rssBytes() || 0) } catch { /* exited */ } }, 250)
  try {
    const start = await fresh.waitLine(l => l.message === 'node starting', 60_000, 'fresh node start')
    const done = await fresh.waitLine(l => l.message === 'imported block' && l.id === served.tipId, syncTimeoutMs(served.height), `sync to ${served.height}`)
    const ms = timeMs(done) - timeMs(start)
    clearInterval(sampler)
    const released = await afterRelease(fresh, done)
    const split = fresh.rssSplit() // before the probe, whose GC changes what is resident
    const mem = await fresh.memory()
    const cpuS = fresh.cpuSeconds()
    peakRss = Math.max(peakRss, mem.rss)
    log(`  sync ${served.height} blocks rep ${rep} (RSS read ${released ? 'after the post-sync release' : 'with no release logged'}): ${(ms / 1000).toFixed(2)} s, ${(served.height / ms * 1000).toFixed(0)} blocks/s, rss ${(mem.rss / 2 ** 20).toFixed(0)} MB (anon ${(split.anon / 2 ** 20).toFixed(0)}, file ${(split.file / 2 ** 20).toFixed(0)}, peak ${(peakRss / 2 ** 20).toFixed(0)}), heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB (live ${(mem.heapLive / 2 ** 20).toFixed(0)})`)
    return { ms, rss: mem.rss, rssAnon: split.anon, rssFile: split.file, heap: mem.heapLive, heapUsed: mem.heapUsed, cpuS, peakRss, allocator: String(start.allocator) }
  } finally {
    clearInterval(sampler)
    await fresh.stop()
    const keep = process.env.NODE_BENCH_LOG_DIR
    if (keep !== undefined && keep !== '') writeFileSync(join(keep, `fresh-${served.height}-${rep}.jsonl`), fresh.lines.map(l => JSON.stringify(l)).join('\n') + '\n')
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** libsecp256k1's WASM build called directly: the node's only verify path before the native one (chain/secp256k1.mjs). */
const wasmVerify = (s: Uint8Array, h: Uint8Array, k: Uint8Array): boolean => ecc.verifySchnorr(h, k, s)

async function measure (blocks: number, reps: number, work: string): Promise<{ served: ServedChain, samples: SyncSample[], verifyPerS: number, wasmVerifyPerS: number }> {
  log(` building ${blocks} blocks × ${TXS_PER_BLOCK} txs`)
  const served = await buildServedChain(join(work, `served-${blocks}`), blocks, TXS_PER_BLOCK, log)
  const verifyPerS = median([0, 1, 2].map(() => verifyRate(served.path)))
  const wasmVerifyPerS = median([0, 1, 2].map(() => verifyRate(served.path, undefined, wasmVerify)))
  const server = new BenchNode({ dataDir: served.dir, genesisFile: served.genesisFile, keyFile: served.keyFile, cpuProfDir: process.env.NODE_BENCH_SERVER_CPU_PROF })
  try {
    const ep = await server.dhtEndpoint()
    await server.waitLine(l => l.message === 'node ready', 60_000, 'server ready')
    const samples: SyncSample[] = []
    for (let r = 0; r < reps; r++) samples.push(await syncOnce(served, ep, work, r))
    return { served, samples, verifyPerS, wasmVerifyPerS }
  } finally {
    await server.stop()
    rmSync(served.dir, { recursive: true, force: true })
  }
}

export async function run (): Promise<BenchRow[]> {
  const reps = envInt('NODE_BENCH_REPS', 3)
  const main = envInt('NODE_BENCH_SYNC_BLOCKS', 2000)
  const growth = (process.env.NODE_BENCH_GROWTH ?? '500,2000,8000').split(',').map(Number).filter(n => Number.isInteger(n) && n > 0)
  const work = mkdtempSync(join(tmpdir(), 'tau-node-bench-'))
  const rows: BenchRow[] = []
  try {
    const sizes = [...new Set([main, ...growth])].sort((a, b) => a - b)
    const results = new Map<number, Awaited<ReturnType<typeof measure>>>()
    for (const n of sizes) results.set(n, await measure(n, reps, work))

    const m = results.get(main)!
    const boundBlocks = m.verifyPerS / SIGS_PER_BLOCK
    rows.push(row(`node.sync ${main}×${TXS_PER_BLOCK} blocks`, m.samples.map(s => main / s.ms * 1000), 'blocks/s',
      { bound: boundBlocks, boundLabel: 'verify-bound', note: `${(m.verifyPerS).toFixed(0)} sig checks/s on one core ÷ ${SIGS_PER_BLOCK}; goal ratio ≥ 0.75 (issue 21)` }))
    rows.push(row(`node.sync ${main}×${TXS_PER_BLOCK} blocks vs WASM bound`, m.samples.map(s => main / s.ms * 1000), 'blocks/s',
      { bound: m.wasmVerifyPerS / SIGS_PER_BLOCK, boundLabel: 'WASM verify-bound', note: `${(m.wasmVerifyPerS).toFixed(0)} checks/s through the WASM build (the bound before libsecp256k1 was used; ${secp256k1Backend().name} now)` }))
    rows.push(row(`node.sync ${main}×${TXS_PER_BLOCK} txs`, m.samples.map(s => m.served.txs / s.ms * 1000), 'txs/s',
      { bound: boundBlocks * TXS_PER_BLOCK, boundLabel: 'verify-bound', note: 'from node start to the tip imported (incl. start-up vote)' }))
    rows.push(row(`node.sync ${main} cpu`, m.samples.map(s => s.cpuS / (s.ms / 1000)), 'cores', { note: 'syncing node CPU time / wall time (incl. start-up)' }))

    const base = growth.length > 0 ? results.get(growth[0]) : undefined
    const at = `@${growth[0]}`
    for (const n of growth) {
      const g = results.get(n)!
      const vsBase = (f: (s: SyncSample) => number, note: string): Partial<BenchRow> =>
        base !== undefined && n !== growth[0] ? { bound: median(base.samples.map(f)), boundLabel: at, note } : { note }
      rows.push(row(`node.sync growth ${n} time`, g.samples.map(s => s.ms / n), 'ms/block',
        base !== undefined ? { bound: median(base.samples.map(s => s.ms / growth[0])), boundLabel: at, note: 'goal ratio ≤ 1.2' } : {}))
      rows.push(row(`node.sync growth ${n} live heap`, g.samples.map(s => s.heap / 2 ** 20), 'MB',
        vsBase(s => s.heap / 2 ** 20, `after sync and a full GC; goal ratio ≤ 1.2 (the chain is in LevelDB; the store's bounded caches fill first); ${(median(g.samples.map(s => s.heap)) / n / 1024).toFixed(1)} kB/block`)))
      rows.push(row(`node.sync growth ${n} rss`, g.samples.map(s => s.rss / 2 ** 20), 'MB',
        vsBase(s => s.rss / 2 ** 20, `after sync, for information (LevelDB caches, allocator); ${(median(g.samples.map(s => s.rss)) / n / 1024).toFixed(1)} kB/block`)))
      rows.push(row(`node.sync growth ${n} rss anon`, g.samples.map(s => s.rssAnon / 2 ** 20), 'MB',
        vsBase(s => s.rssAnon / 2 ** 20, `RssAnon after sync (heaps, malloc) on ${[...new Set(g.samples.map(x => x.allocator))].join('/')} (LD_PRELOAD= for glibc); goal ratio ≤ 1.5 (issue 21); the rest of RSS is RssFile, LevelDB tables mapped from disk`)))
      rows.push(row(`node.sync growth ${n} peak rss`, g.samples.map(s => s.peakRss / 2 ** 20), 'MB',
        vsBase(s => s.peakRss / 2 ** 20, 'highest RSS read during the sync (every 250 ms), for information')))
    }
    // The same between the two longest lengths: the caches are (nearly) full at both.
    if (growth.length >= 3) {
      const [a, b] = [...new Set(growth)].sort((x, y) => x - y).slice(-2)
      const live = (n: number): number[] => results.get(n)!.samples.map(s => s.heap / 2 ** 20)
      rows.push(row(`node.sync growth ${b} live heap vs ${a}`, live(b), 'MB', { bound: median(live(a)), boundLabel: `@${a}`, note: 'goal ratio ≤ 1.2' }))
    }
    // ms/block above includes the fixed start-up (vote, first contacts), which flatters the longer
    // chains; the marginal cost of the blocks between two lengths does not.
    const sorted = [...new Set(growth)].sort((a, b) => a - b)
    const wall = (n: number): number => median(results.get(n)!.samples.map(s => s.ms))
    let first: number | undefined
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1], sorted[i]]
      const marginal = (wall(b) - wall(a)) / (b - a)
      first ??= marginal
      rows.push(row(`node.sync growth ${a}→${b} marginal`, [marginal], 'ms/block',
        i > 1 ? { bound: first, boundLabel: `${sorted[0]}→${sorted[1]}`, note: 'Δ median sync time / Δ blocks; goal ratio ≤ 1.2' } : { note: 'Δ median sync time / Δ blocks (no start-up)' }))
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return rows
}
