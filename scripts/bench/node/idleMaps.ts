// Where an idle node's memory sits (issue 21 item 3, third pass): a mine:false node synced to a short
// built chain, left idle IDLE_S seconds, then RssAnon by kind (smaps.ts), RssFile, its threads, and
// V8's heap spaces (memProbe.mjs, read before its GC) and live heap. NATIVE0=1 runs the node with
// TAU_NATIVE_MEMORY=0. Bounded; stops everything it started by pid.
// Usage: [IDLE_S=60] [BLOCKS=50] [NATIVE0=1] node --import tsx scripts/bench/node/idleMaps.ts
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { BenchNode } from './proc.js'
import { startServingNode } from './servingNode.js'
import { anonByKind } from './smaps.js'

const MB = 2 ** 20
const SYNC_TIMEOUT_MS = 240_000
const idleS = Number(process.env.IDLE_S ?? 60)
const blocks = Number(process.env.BLOCKS ?? 50)

const { work, served, server, endpoint: ep } = await startServingNode('tau-node-idle-maps-', blocks)
const n = new BenchNode({ dataDir: join(work, 'idle'), genesisFile: served.genesisFile, bootstrap: ep, env: process.env.NATIVE0 === '1' ? { TAU_NATIVE_MEMORY: '0' } : {} })
try {
  await n.waitLine(l => l.message === 'imported block' && l.id === served.tipId, SYNC_TIMEOUT_MS, `sync to ${blocks}`)
  await new Promise(res => setTimeout(res, idleS * 1000))
  const split = n.rssSplit()
  const kinds = anonByKind(n.pid)
  const threads = readdirSync(`/proc/${n.pid}/task`).length
  const mem = await n.memory()
  const probe = [...n.lines].reverse().find(l => l.message === 'bench memory') ?? {}
  const spaces = probe.spaces as Record<string, { size: number, used: number }> | undefined
  const mb = (x: unknown): number => +(Number(x) / MB).toFixed(1)
  process.stdout.write(JSON.stringify({
    idleS, anonMB: mb(split.anon), fileMB: mb(split.file), anonByKindMB: kinds, threads, heapLiveMB: mb(mem.heapLive),
    v8: { heapTotalMB: mb(probe.heapTotal), externalMB: mb(probe.external), arrayBuffersMB: mb(probe.arrayBuffers), spacesMB: Object.fromEntries(Object.entries(spaces ?? {}).filter(([, s]) => s.size > 0).map(([k, s]) => [k, [mb(s.size), mb(s.used)]])) },
    status: readFileSync(`/proc/${n.pid}/status`, 'utf8').match(/^(VmRSS|RssAnon|RssFile):.*$/gm)
  }) + '\n')
} finally {
  await n.stop()
  await server.stop()
  rmSync(work, { recursive: true, force: true })
}
