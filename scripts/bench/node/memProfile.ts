// What the RSS of an idle synced mine:false node (and of the miners next to it) is made of (issue 9,
// footprint). Like idleProfile.ts: a loopback testnet of MINERS miners, optionally under TX_RATE transfers
// per second, and one mine:false node added once the net is healthy. After IDLE_S seconds it reads, per
// node, /proc/<pid>/status (VmRSS, RssAnon, RssFile, Threads), smaps (RSS grouped by mapping) and,
// through memProbe.mjs (preloaded with NODE_OPTIONS=--import), process.memoryUsage() and V8's heap
// spaces. Prints one JSON object per node and a short table. Bounded; stops and removes everything.
// Every node inherits this process's environment, so experiments go there (MALLOC_ARENA_MAX=2,
// NODE_OPTIONS=--max-semi-space-size=1, ...); MEM_PROBE_SNAPSHOT_DIR=/tmp/x also writes heap snapshots.
// MODE=sync instead: a served chain of SYNC_BLOCKS blocks × 8 transfers (servedChain.ts), a fresh
// mine:false node syncs it, then both idle IDLE_S seconds and are measured the same way (what a long
// chain leaves resident after sync).
// Usage: [MINERS=3] [IDLE_S=40] [TX_RATE=0] [SAMPLES=1] [MODE=testnet|sync] [SYNC_BLOCKS=1000]
//   node --import tsx scripts/bench/node/memProfile.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Testnet, type TestnetNode } from '../../testnet/network.js'
import { healthyTimeoutMs } from '../../testnet/constants.js'
import { TxSender } from '../../testnet/txSender.js'
import { BenchNode } from './proc.js'
import { buildServedChain } from './servedChain.js'

const miners = Number(process.env.MINERS ?? 3)
const idleS = Number(process.env.IDLE_S ?? 40)
const txRate = Number(process.env.TX_RATE ?? 0)
const samples = Math.max(1, Number(process.env.SAMPLES ?? 1))
const probe = fileURLToPath(new URL('./memProbe.mjs', import.meta.url))
// Set before any node starts; only the children see it (this process has already started). Bench
// nodes (MODE=sync) preload it themselves (proc.ts).
if (process.env.MODE !== 'sync') process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${probe}`.trim()

const MiB = 1024 * 1024
const mb = (b: number): number => Math.round(b / MiB * 10) / 10

function status (pid: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const l of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem|VmData|Threads):\s+(\d+)/.exec(l)
    if (m !== null) out[m[1]] = m[1] === 'Threads' ? Number(m[2]) : Number(m[2]) * 1024
  }
  // Proportional set size: shared file pages (the node binary) divided among the processes mapping them.
  for (const l of readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n')) {
    const m = /^(Pss|Pss_File):\s+(\d+) kB/.exec(l)
    if (m !== null) out[m[1]] = Number(m[2]) * 1024
  }
  return out
}

/** RSS by mapping kind: the node binary, each shared library by name, [heap] (brk), anonymous, stacks. */
function smaps (pid: number): Record<string, number> {
  const out: Record<string, number> = {}
  let name = ''
  for (const l of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(l)
    if (head !== null) {
      const path = head[1].trim()
      name = path === '' ? 'anon' : path.startsWith('[') ? path : (path.split('/').pop() ?? path)
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(l)
    if (rss !== null) out[name] = (out[name] ?? 0) + Number(rss[1]) * 1024
  }
  return out
}

/** A measured process: a testnet node or a bench node. */
interface Probed { name: string, mine: boolean, pid: number, signal: () => void, lines: () => string[] }

const ofTestnet = (n: TestnetNode): Probed => ({ name: n.name, mine: n.mine, pid: n.proc!.pid, signal: () => { n.proc?.signal('SIGUSR2') }, lines: () => n.tail })
const ofBench = (name: string, b: BenchNode): Probed => ({ name, mine: false, pid: b.pid, signal: () => { process.kill(b.pid, 'SIGUSR2') }, lines: () => b.lines.slice(-50).map(l => JSON.stringify(l)) })

async function probeHeap (n: Probed): Promise<Record<string, unknown> | undefined> {
  // The tail is a ring buffer, so the answer is found by its timestamp, not by its index.
  const sentAt = Date.now()
  n.signal()
  while (Date.now() < sentAt + 10_000) {
    for (const line of n.lines()) {
      if (!line.includes('"bench memory"')) continue
      const j = JSON.parse(line) as Record<string, unknown> & { timestamp: string }
      if (Date.parse(j.timestamp) >= sentAt - 5) return j
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return undefined
}

async function measure (n: Probed): Promise<Record<string, unknown>> {
  const pid = n.pid
  // /proc first: the probe allocates, and may run a GC that gives pages back.
  const st = status(pid)
  const maps = smaps(pid)
  const heap = await probeHeap(n)
  const top = Object.entries(maps).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}=${mb(v)}`)
  const spaces = (heap?.spaces ?? {}) as Record<string, { size: number, used: number }>
  return {
    node: n.name,
    mine: n.mine,
    pid,
    rssMB: mb(st.VmRSS),
    hwmMB: mb(st.VmHWM),
    anonMB: mb(st.RssAnon),
    fileMB: mb(st.RssFile),
    pssMB: mb(st.Pss),
    pssFileMB: mb(st.Pss_File),
    threads: st.Threads,
    heapUsedMB: mb(Number(heap?.heapUsed)),
    heapTotalMB: mb(Number(heap?.heapTotal)),
    heapPhysicalMB: mb(Number(heap?.totalPhysicalSize)),
    newSpaceMB: mb(spaces.new_space?.size ?? NaN),
    oldSpaceMB: mb(spaces.old_space?.size ?? NaN),
    codeSpaceMB: mb((spaces.code_space?.size ?? NaN) + (spaces.code_large_object_space?.size ?? 0)),
    externalMB: mb(Number(heap?.external)),
    arrayBuffersMB: mb(Number(heap?.arrayBuffers)),
    v8MallocMB: mb(Number(heap?.mallocedMemory)),
    // What neither V8's heap nor a mapped file accounts for: malloc (LevelDB, libuv, ICU, arenas), stacks.
    otherAnonMB: mb(st.RssAnon - Number(heap?.heapTotal ?? 0)),
    smapsTop: top.join(' ')
  }
}

function print (s: number, height: number, rows: Array<Record<string, unknown>>): void {
  process.stdout.write(JSON.stringify({ sample: s, atS: Math.round(idleS * s / samples), height, txRate, env: { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX, NODE_OPTIONS: process.env.NODE_OPTIONS }, rows }) + '\n')
  process.stderr.write(`sample ${s} (height ${height}):\n`)
  for (const r of rows) {
    process.stderr.write(`  ${String(r.node)}${r.mine === true ? ' (miner)' : ' (idle) '} rss ${String(r.rssMB)} anon ${String(r.anonMB)} file ${String(r.fileMB)} (pss ${String(r.pssMB)}, file ${String(r.pssFileMB)}) | heap ${String(r.heapUsedMB)}/${String(r.heapTotalMB)} (phys ${String(r.heapPhysicalMB)}) new ${String(r.newSpaceMB)} old ${String(r.oldSpaceMB)} code ${String(r.codeSpaceMB)} ext ${String(r.externalMB)} ab ${String(r.arrayBuffersMB)} other-anon ${String(r.otherAnonMB)} threads ${String(r.threads)}\n    ${String(r.smapsTop)}\n`)
  }
}

async function syncMode (): Promise<void> {
  const blocks = Number(process.env.SYNC_BLOCKS ?? 1000)
  const work = mkdtempSync(join(tmpdir(), 'tau-mem-profile-'))
  const nodes: BenchNode[] = []
  try {
    const served = await buildServedChain(join(work, 'served'), blocks, 8, s => process.stderr.write(s + '\n'))
    const server = new BenchNode({ dataDir: served.dir, genesisFile: served.genesisFile, keyFile: served.keyFile })
    nodes.push(server)
    const ep = await server.dhtEndpoint()
    await server.waitLine(l => l.message === 'node ready', 60_000, 'server ready')
    const fresh = new BenchNode({ dataDir: join(work, 'fresh'), genesisFile: served.genesisFile, bootstrap: ep })
    nodes.push(fresh)
    await fresh.waitLine(l => l.message === 'imported block' && l.id === served.tipId, 120_000 + blocks * 60, `sync to ${blocks}`)
    for (let s = 1; s <= samples; s++) {
      await new Promise(resolve => setTimeout(resolve, idleS * 1000 / samples))
      print(s, blocks, [await measure(ofBench('server', server)), await measure(ofBench('synced', fresh))])
    }
  } finally {
    for (const n of nodes) await n.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.env.MODE === 'sync') {
  await syncMode()
  process.exit(0)
}

const net = await Testnet.create({ nodes: miners, blockTime: 10, mutableRange: 6, seed: 'mem-profile', spareNodes: 1 })
let load: Promise<void> | undefined
let stopping = false
try {
  net.start()
  await net.waitHealthy({ timeoutMs: healthyTimeoutMs(10) })
  if (txRate > 0) {
    const tx = new TxSender(net)
    const senders = net.accounts.filter(a => a.name.startsWith('load-')).map(a => a.index)
    const t0 = Date.now()
    load = (async () => {
      for (let k = 0; !stopping && k < txRate * 3600; k++) {
        void tx.send(senders[k % senders.length], k % miners, 'mem-profile')
        await new Promise(resolve => setTimeout(resolve, Math.max(0, t0 + (k + 1) * 1000 / txRate - Date.now())))
      }
      await tx.drain()
    })()
  }
  const idle = await net.addNode({ mine: false })
  await net.waitHealthy({ timeoutMs: healthyTimeoutMs(10), indices: [idle.index] })
  await net.waitConverged({ timeoutMs: 120_000, what: 'the idle node to sync' })
  for (let s = 1; s <= samples; s++) {
    await new Promise(resolve => setTimeout(resolve, idleS * 1000 / samples))
    const rows = []
    for (const n of net.running) rows.push(await measure(ofTestnet(n)))
    const views = await net.poll()
    print(s, Math.max(0, ...views.map(v => v.status?.height ?? 0)), rows)
  }
} finally {
  stopping = true
  await load
  await net.stop()
  net.removeDir()
}
