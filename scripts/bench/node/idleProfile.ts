// Profiles an idle synced mine:false node next to a few miners (issue: node performance, idle CPU).
// Every node of the net runs under profiled/tau-node.js (V8 profiler, written to $PROF_DIR/<pid>.cpuprofile
// at exit); the idle node's profile is the one whose pid this prints. Bounded; stops and removes everything.
// Without PROF_DIR it only measures (the profiler's own sampling costs a few % of a core). Also prints
// the miners' CPU and what the idle node's DHT did in the window (GET /dht counters, differences).
// Usage: [PROF_DIR=/tmp/x] [MINERS=3] [IDLE_S=40] node --import tsx scripts/bench/node/idleProfile.ts
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Testnet } from '../../testnet/network.js'
import { healthyTimeoutMs } from '../../testnet/constants.js'
import { type Flat, dhtCounters } from '../networkDht.js'

const miners = Number(process.env.MINERS ?? 3)
const idleS = Number(process.env.IDLE_S ?? 40)
const cpuS = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}
const diff = (a: Flat, b: Flat): Flat => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => v !== 0))

const net = await Testnet.create({ nodes: miners, blockTime: 10, mutableRange: 6, seed: 'idle-profile', spareNodes: 1, nodeScript: process.env.PROF_DIR === undefined ? undefined : fileURLToPath(new URL('./profiled/tau-node.js', import.meta.url)) })
try {
  net.start()
  await net.waitHealthy({ timeoutMs: healthyTimeoutMs(10) })
  const idle = await net.addNode({ mine: false })
  await net.waitHealthy({ timeoutMs: healthyTimeoutMs(10), indices: [idle.index] })
  await net.waitConverged({ timeoutMs: 120_000, what: 'the idle node to sync' })
  const pid = idle.proc!.pid
  const minerPids = net.nodes.filter(n => n.mine).map(n => n.proc!.pid)
  const c0 = cpuS(pid); const m0 = minerPids.map(cpuS); const t0 = Date.now()
  const d0 = await dhtCounters(idle.api.base)
  await new Promise(resolve => setTimeout(resolve, idleS * 1000))
  const wallS = (Date.now() - t0) / 1000
  const pct = (cpuS(pid) - c0) / wallS * 100
  const minerPct = minerPids.map((p, i) => (cpuS(p) - m0[i]) / wallS * 100)
  process.stderr.write(`idle node pid ${pid}: ${pct.toFixed(1)}% of a core over ${idleS} s; miners: ${minerPids.join(',')} at ${minerPct.map(x => x.toFixed(1)).join(', ')}%\n`)
  // What the idle node's DHT did in the window: queries it answered, signature checks, pushes.
  const d1 = await dhtCounters(idle.api.base)
  process.stderr.write(`idle node DHT in the window: ${JSON.stringify(diff(d1, d0))}\n`)
} finally {
  await net.stop()
  net.removeDir()
}
