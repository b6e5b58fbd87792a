// Profiles an idle synced mine:false node next to a few miners (issue: node performance, idle CPU).
// Every node of the net runs under profiled/tau-node.js (V8 profiler, written to $PROF_DIR/<pid>.cpuprofile
// at exit); the idle node's profile is the one whose pid this prints. Bounded; stops and removes everything.
// Without PROF_DIR it only measures (the profiler's own sampling costs a few % of a core).
// Usage: [PROF_DIR=/tmp/x] [MINERS=3] [IDLE_S=40] node --import tsx scripts/bench/node/idleProfile.ts
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Testnet } from '../../testnet/network.js'
import { healthyTimeoutMs } from '../../testnet/constants.js'

const miners = Number(process.env.MINERS ?? 3)
const idleS = Number(process.env.IDLE_S ?? 40)
const cpuS = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}
const net = await Testnet.create({ nodes: miners, blockTime: 10, mutableRange: 6, seed: 'idle-profile', spareNodes: 1, nodeScript: process.env.PROF_DIR === undefined ? undefined : fileURLToPath(new URL('./profiled/tau-node.js', import.meta.url)) })
try {
  net.start()
  await net.waitHealthy({ timeoutMs: healthyTimeoutMs(10) })
  const idle = await net.addNode({ mine: false })
  await net.waitHealthy({ timeoutMs: healthyTimeoutMs(10), indices: [idle.index] })
  await net.waitConverged({ timeoutMs: 120_000, what: 'the idle node to sync' })
  const pid = idle.proc!.pid
  const c0 = cpuS(pid); const t0 = Date.now()
  await new Promise(resolve => setTimeout(resolve, idleS * 1000))
  const pct = (cpuS(pid) - c0) / ((Date.now() - t0) / 1000) * 100
  process.stderr.write(`idle node pid ${pid}: ${pct.toFixed(1)}% of a core over ${idleS} s; miners: ${net.nodes.filter(n => n.mine).map(n => n.proc?.pid).join(',')}\n`)
} finally {
  await net.stop()
  net.removeDir()
}
