// Where an idle node's anonymous memory sits after a long sync (issue 21 item 3, second pass): fresh
// nodes (one per variant, side by side) sync a built chain from one serving node; once each has
// logged 'memory released after sync' (node/memory.ts) and a few seconds passed, its /proc/<pid>/smaps
// anonymous mappings are summed by kind: the main malloc heap ([heap]), glibc thread arenas (mappings
// inside 64 MiB-aligned arena reservations), thread stacks, and the rest (V8's pages, mmap'd buffers).
// It also prints V8's heap figures at that point and RssAnon again after the probe's own full GC
// (a second GC, a few seconds after the release).
// Usage: [BLOCKS=1000] [VARIANTS=base,glibc] node --import tsx scripts/bench/node/afterSyncMaps.ts
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { RELEASE_GC_GAP_MS, RELEASE_MAX_GCS } from '../../../node/constants.js'
import { BenchNode } from './proc.js'
import { startServingNode } from './servingNode.js'
import { anonByKind } from './smaps.js'

const MB = 2 ** 20
const SYNC_TIMEOUT_MS = 1_200_000
const RELEASE_WAIT_MS = 60_000 + RELEASE_GC_GAP_MS * RELEASE_MAX_GCS
const SETTLE_MS = 3_000
const blocks = Number(process.env.BLOCKS ?? 1000)
// base: as a node runs from the image, the unit or the testnet (jemalloc when installed: proc.ts);
// the others on glibc's malloc (an empty LD_PRELOAD), with its tunables.
const GLIBC = { LD_PRELOAD: '' }
const VARIANTS: Record<string, Record<string, string>> = { base: {}, glibc: GLIBC, native0: { ...GLIBC, TAU_NATIVE_MEMORY: '0' }, arena2: { ...GLIBC, MALLOC_ARENA_MAX: '2' }, trim: { ...GLIBC, MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_TOP_PAD_: '0' }, arena2trim: { ...GLIBC, MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' } }
const names = (process.env.VARIANTS ?? 'base,glibc').split(',').filter(n => n in VARIANTS)

const { work, served, server, endpoint: ep } = await startServingNode('tau-node-after-sync-', blocks)
const nodes: BenchNode[] = []
try {
  for (const name of names) nodes.push(new BenchNode({ dataDir: join(work, name), genesisFile: served.genesisFile, bootstrap: ep, env: VARIANTS[name] }))
  for (const [i, n] of nodes.entries()) {
    const done = await n.waitLine(l => l.message === 'imported block' && l.id === served.tipId, SYNC_TIMEOUT_MS, `sync to ${blocks}`)
    const rel = await n.waitLine(l => l.message === 'memory released after sync', RELEASE_WAIT_MS, 'release', n.lines.indexOf(done))
    await new Promise(res => setTimeout(res, SETTLE_MS))
    const split = n.rssSplit()
    const kinds = anonByKind(n.pid)
    const mem = await n.memory()
    const mb = (x: unknown): number => +(Number(x) / MB).toFixed(1)
    // V8's own view at the first read (the probe reads before its GC), and whether a second full GC
    // (the probe's) a few seconds after the release gives more back.
    const probe = [...n.lines].reverse().find(l => l.message === 'bench memory') ?? {}
    const spaces = probe.spaces as Record<string, { size: number }> | undefined
    await new Promise(res => setTimeout(res, SETTLE_MS))
    const again = n.rssSplit()
    process.stdout.write(JSON.stringify({
      variant: names[i], blocks, anonMB: +(split.anon / MB).toFixed(1), heapMB: kinds.heap, arenasMB: kinds.arenas, stacksMB: kinds.stacks, otherMB: kinds.other, heapLiveMB: +(mem.heapLive / MB).toFixed(1),
      v8: { heapTotalMB: mb(probe.heapTotal), physicalMB: mb(probe.totalPhysicalSize), externalMB: mb(probe.external), mallocedMB: mb(probe.mallocedMemory), oldSpaceMB: mb(spaces?.old_space?.size), newSpaceMB: mb(spaces?.new_space?.size) },
      anonAfterSecondGcMB: +(again.anon / MB).toFixed(1), release: { rssMB: rel.rssMB, heapUsedMB: rel.heapUsedMB, kind: rel.kind, heapTotalMB: rel.heapTotalMB, trim: rel.trim }
    }) + '\n')
  }
} finally {
  for (const n of nodes) await n.stop()
  await server.stop()
  rmSync(work, { recursive: true, force: true })
}
