// The project's DHT and libtorrent (Debian's python3-libtorrent, what TAU's own apps built on) on
// the same BEP44 workload in one run: 16 nodes on 127.0.0.1, 100 items per phase, 256-byte values;
// immutable put, immutable get from another node, mutable put (fresh key, salt), mutable get (first
// value and authoritative). The sides take turns for ROUNDS rounds; each row's bound is libtorrent's
// median from this run, so the ratio column is ours / libtorrent's (issue 21's goals: p50 ratio
// <= 2, CPU per op ratio <= 3). Without libtorrent the module says so and reports our figures alone.
// Each round also measures Node's own UDP floor (libtorrent/floor.ts): CPU per datagram of a bare
// ping-pong in one process and across two, the bound of our CPU per datagram in each layout.
import { type BenchRow, median } from './harness.js'
import * as C from './libtorrent/constants.js'
import { libtorrentInstalled, runAnchor } from './libtorrent/driver.js'
import { type Floor, floorCrossProcess, floorInProcess } from './libtorrent/floor.js'
import type { Op, SideResult } from './libtorrent/ops.js'
import { runOurs } from './libtorrent/ours.js'
import { buildRows } from './libtorrent/rows.js'

/**
 * Topologies our side runs in, each in every round: a comma list of process counts (divisors of
 * the swarm size) from DHT_LT_PROCESSES, else the default. The first gives the `dht.lt.*` rows,
 * each other one `dht.lt.p<N>.*` rows against the same libtorrent rounds.
 */
export function oursProcesses (env = process.env[C.OURS_PROCESSES_ENV]): number[] {
  if (env === undefined || env.trim() === '') return [...C.OURS_PROCESSES_DEFAULT]
  const list = env.split(',').map(x => Number(x.trim()))
  const bad = list.find(p => !Number.isInteger(p) || p < 1 || p > C.SWARM_NODES || C.SWARM_NODES % p !== 0)
  if (bad !== undefined || list.length > C.MAX_TOPOLOGIES || new Set(list).size !== list.length) {
    process.stderr.write(`bench: ${C.OURS_PROCESSES_ENV}=${env} is not a list of at most ${C.MAX_TOPOLOGIES} distinct divisors of ${C.SWARM_NODES}: using ${C.OURS_PROCESSES_DEFAULT.join(',')}\n`)
    return [...C.OURS_PROCESSES_DEFAULT]
  }
  return list
}

export async function run (): Promise<BenchRow[]> {
  const topologies = oursProcesses()
  const names = new Map<number, string>()
  let why: string | undefined
  if (!libtorrentInstalled()) {
    why = 'libtorrent not installed: skipped'
    process.stderr.write(`bench: ${C.PYTHON} cannot import libtorrent (apt-get install python3-libtorrent python3-cryptography): libtorrent rows skipped\n`)
  }
  const ours = new Map<number, SideResult[]>(topologies.map(p => [p, []]))
  const anchor: SideResult[] = []
  let version = ''
  let verifies = 0
  const floors: { inProcess: Floor[], crossProcess: Floor[] } = { inProcess: [], crossProcess: [] }
  for (let r = 0; r < C.ROUNDS; r++) {
    floors.inProcess.push(await floorInProcess())
    floors.crossProcess.push(await floorCrossProcess())
    for (const processes of topologies) {
      const o = await runOurs({ nodes: C.SWARM_NODES, items: C.ITEMS_PER_PHASE, warmup: C.WARMUP_ITEMS, payload: C.PAYLOAD_BYTES, processes })
      names.set(processes, o.topology)
      ours.get(processes)?.push(o.phases)
      if (processes === topologies[0]) verifies += o.verifies
    }
    if (why !== undefined) continue
    try {
      const a = await runAnchor(C.SWARM_NODES, C.ITEMS_PER_PHASE, C.PAYLOAD_BYTES)
      anchor.push(a.phases)
      version = a.version
    } catch (e) {
      why = `libtorrent run failed: ${(e as Error).message}`
      anchor.length = 0 // rounds must pair up: report ours alone
      process.stderr.write(`bench: ${why}\n`)
    }
  }
  const rows: BenchRow[] = []
  const floorRow = (name: string, f: Floor[], note: string): BenchRow => ({ name, value: median(f.map(x => x.cpuUsPerDatagram)), unit: 'µs CPU', samples: f.map(x => x.cpuUsPerDatagram), note: `${note}; wall ${median(f.map(x => x.wallUsPerDatagram)).toFixed(1)} µs per datagram; median of ${f.length}` })
  rows.push(floorRow('dht.lt.floor.inProcess', floors.inProcess, `Node's UDP alone, per datagram sent: ${C.FLOOR_PAYLOAD_BYTES}-byte ping-pong between two sockets in one process`))
  rows.push(floorRow('dht.lt.floor.crossProcess', floors.crossProcess, 'the same with the echo in a process of its own (every datagram wakes the other process), both processes\' CPU'))
  if (anchor.length > 0 && why === undefined) {
    rows.push({ name: 'dht.lt.libtorrent.cpuPerDatagram', value: median(anchor.map(cpuPerDatagram)), unit: 'µs CPU', samples: anchor.map(cpuPerDatagram), note: `libtorrent ${version}: its process CPU over every phase / the datagrams its swarm sent` })
  }
  for (const [i, p] of topologies.entries()) {
    const prefix = i === 0 ? 'dht.lt' : `dht.lt.p${p}`
    rows.push(...buildRows(ours.get(p) ?? [], why === undefined ? anchor : undefined, why, `libtorrent ${version}`.trim(), prefix))
    const mine = (ours.get(p) ?? []).map(cpuPerDatagram)
    const floor = p === 1 ? floors.inProcess : floors.crossProcess
    rows.push({ name: `${prefix}.ours.cpuPerDatagram`, value: median(mine), unit: 'µs CPU', samples: mine, bound: median(floor.map(x => x.cpuUsPerDatagram)), boundLabel: `Node UDP floor, ${p === 1 ? 'one process' : 'across processes'}`, note: 'our swarm\'s CPU over every phase / the datagrams it sent; the ratio is our DHT\'s cost over Node\'s own UDP path in the same layout' })
    rows.push({ name: `${prefix}.ours.processes`, value: p, unit: 'count', note: `our swarm: ${names.get(p) ?? '?'} (${C.OURS_PROCESSES_ENV} sets the list; 1 = one JS thread); libtorrent: 16 sessions in one process, each with its own thread` })
  }
  rows.push({ name: 'dht.lt.ours.verifiesPerMutableOp', value: verifies / (2 * C.ITEMS_PER_PHASE * C.ROUNDS), unit: 'count', note: 'BIP340 verifies in the swarm per mutable put or get' })
  return rows
}

/** The phases that each ran once (the mutable get's two rows share one lookup). */
const PHASES: readonly Op[] = ['immutablePut', 'immutableGet', 'mutablePut', 'mutableGetAuthoritative']

/** A side's CPU over its phases per datagram its swarm sent (µs); NaN where datagrams were not counted. */
function cpuPerDatagram (side: SideResult): number {
  let cpuMs = 0
  let datagrams = 0
  for (const op of PHASES) {
    const d = side[op].datagramsOut
    if (d === undefined) return NaN
    cpuMs += side[op].cpuMs
    datagrams += d
  }
  return datagrams === 0 ? NaN : cpuMs * 1000 / datagrams
}
