// Idle memory of node flag candidates, side by side (issue 21 item 3, second pass): a serving node
// with a short built chain, then one mine:false node per variant synced from it and left idle; at the
// end each one's RSS, RssAnon, RssFile, live heap and CPU over the idle window. Variants run at the
// same time, so load drift hits them alike; run it several times and take medians. Bounded: every wait
// has a deadline and every node is stopped by its own pid.
// Usage: [IDLE_S=60] [BLOCKS=50] [VARIANTS=base,pool1,...] node --import tsx scripts/bench/node/idleFlags.ts
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { BenchNode } from './proc.js'
import { startServingNode } from './servingNode.js'

const MB = 2 ** 20
const SYNC_TIMEOUT_MS = 240_000
const idleS = Number(process.env.IDLE_S ?? 60)
const blocks = Number(process.env.BLOCKS ?? 50)

interface Variant { flags: string[], env?: Record<string, string> }
const ALL: Record<string, Variant> = {
  base: { flags: [] },
  // Every node runs with NODE_PROCESS_FLAGS (--v8-pool-size=1, proc.ts); pool4 is Node's default.
  pool4: { flags: ['--v8-pool-size=4'] },
  pool1: { flags: ['--v8-pool-size=1'] },
  pool2: { flags: ['--v8-pool-size=2'] },
  pool0: { flags: ['--v8-pool-size=0'] },
  stgc: { flags: ['--single-threaded-gc'] },
  semi1: { flags: ['--max-semi-space-size=1'] },
  lite: { flags: ['--lite-mode'] },
  // V8's old-space growth after each major GC: 1 + N/100 (default 0: V8 picks 1.1–4× by GC speed).
  grow20: { flags: ['--heap-growing-percent=20'] },
  grow50: { flags: ['--heap-growing-percent=50'] },
  grow100: { flags: ['--heap-growing-percent=100'] },
  size: { flags: ['--optimize-for-size'] },
  nowasm: { flags: ['--no-expose-wasm'] },
  // base runs on jemalloc where it is installed (proc.ts); glibc and arena2 on glibc's malloc.
  glibc: { flags: [], env: { LD_PRELOAD: '' } },
  arena2: { flags: [], env: { LD_PRELOAD: '', MALLOC_ARENA_MAX: '2' } },
  // jemalloc's own settings (MALLOC_CONF): a background thread that purges on time, not only when
  // the process allocates; shorter decay; fewer arenas.
  jeBg: { flags: [], env: { MALLOC_CONF: 'background_thread:true' } },
  jeDecay: { flags: [], env: { MALLOC_CONF: 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0' } },
  jeArenas: { flags: [], env: { MALLOC_CONF: 'background_thread:true,narenas:2' } },
  native0: { flags: [], env: { TAU_NATIVE_MEMORY: '0' } },
  pool1jeArena1: { flags: ['--v8-pool-size=1'], env: { MALLOC_CONF: 'narenas:1' } },
  pool1jeBg: { flags: ['--v8-pool-size=1'], env: { MALLOC_CONF: 'background_thread:true,narenas:1,dirty_decay_ms:1000,muzzy_decay_ms:0' } },
  combo: { flags: ['--v8-pool-size=1', '--single-threaded-gc', '--max-semi-space-size=1'] },
  comboArena: { flags: ['--v8-pool-size=1', '--single-threaded-gc', '--max-semi-space-size=1'], env: { LD_PRELOAD: '', MALLOC_ARENA_MAX: '2' } }
}
const names = (process.env.VARIANTS ?? 'base,pool1,stgc,semi1,lite,nowasm,combo').split(',').filter(n => n in ALL)

const { work, served, server, endpoint: ep } = await startServingNode('tau-node-idle-flags-', blocks)
const nodes: BenchNode[] = []
try {
  for (const [i, name] of names.entries()) nodes.push(new BenchNode({ dataDir: join(work, `${name}-${i}`), genesisFile: served.genesisFile, bootstrap: ep, nodeFlags: ALL[name].flags, env: ALL[name].env }))
  for (const n of nodes) await n.waitLine(l => l.message === 'imported block' && l.id === served.tipId, SYNC_TIMEOUT_MS, `sync to ${blocks}`)
  const cpu0 = nodes.map(n => n.cpuSeconds())
  await new Promise(res => setTimeout(res, idleS * 1000))
  for (const [i, n] of nodes.entries()) {
    const split = n.rssSplit()
    const rss = n.rssBytes()
    const cpu = (n.cpuSeconds() - cpu0[i]) / idleS * 100
    const mem = await n.memory()
    process.stdout.write(JSON.stringify({ variant: names[i], rssMB: +(rss / MB).toFixed(1), anonMB: +(split.anon / MB).toFixed(1), fileMB: +(split.file / MB).toFixed(1), heapLiveMB: +(mem.heapLive / MB).toFixed(1), idleCpuPct: +cpu.toFixed(2) }) + '\n')
  }
} finally {
  for (const n of nodes) await n.stop()
  await server.stop()
  rmSync(work, { recursive: true, force: true })
}
