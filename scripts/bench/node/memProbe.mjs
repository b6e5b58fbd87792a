// Preloaded into bench node processes (node --import, or NODE_OPTIONS=--import): on SIGUSR2 prints one
// JSON line with process.memoryUsage(), V8 heap statistics and per-space sizes, so a bench can read heap
// figures the node does not otherwise expose. With MEM_PROBE_SNAPSHOT_DIR set it also writes a heap
// snapshot there (<pid>-<n>.heapsnapshot; slow and allocates, so only for diagnosis).
import { join } from 'node:path'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'

// A full GC before reading `heapLive`, so that figure is what is still reachable, not what the
// collector has not got to yet (heapUsed moves with GC timing: 183 vs 383 MB in two equal runs).
v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

let snapshots = 0
process.on('SIGUSR2', () => {
  // Everything as it is first; the GC (which also shrinks the young generation) comes last.
  const m = process.memoryUsage()
  const h = v8.getHeapStatistics()
  const spaces = {}
  for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = { size: s.space_size, used: s.space_used_size }
  gc()
  const heapLive = process.memoryUsage().heapUsed
  let snapshot
  const dir = process.env.MEM_PROBE_SNAPSHOT_DIR
  if (dir !== undefined && dir !== '') snapshot = v8.writeHeapSnapshot(join(dir, `${process.pid}-${snapshots++}.heapsnapshot`))
  process.stdout.write(JSON.stringify({
    message: 'bench memory',
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapLive,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    mallocedMemory: h.malloced_memory,
    peakMallocedMemory: h.peak_malloced_memory,
    totalPhysicalSize: h.total_physical_size,
    heapSizeLimit: h.heap_size_limit,
    spaces,
    snapshot,
    timestamp: new Date().toISOString()
  }) + '\n')
})
