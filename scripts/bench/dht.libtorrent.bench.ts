// The project's DHT and libtorrent (Debian's python3-libtorrent, what TAU's own apps built on) on
// the same BEP44 workload in one run: 16 nodes on 127.0.0.1, 100 items per phase, 256-byte values;
// immutable put, immutable get from another node, mutable put (fresh key, salt), mutable get (first
// value and authoritative). Each row's bound is libtorrent's figure from this run, so the ratio
// column is ours / libtorrent's (issue 21's goals: p50 ratio <= 2, CPU per op ratio <= 3).
// Without libtorrent the module says so and reports our figures alone.
import type { BenchRow } from './harness.js'
import * as C from './libtorrent/constants.js'
import { type AnchorRun, libtorrentInstalled, runAnchor } from './libtorrent/driver.js'
import { runOurs } from './libtorrent/ours.js'
import { buildRows } from './libtorrent/rows.js'

export async function run (): Promise<BenchRow[]> {
  const ours = await runOurs({ nodes: C.SWARM_NODES, items: C.ITEMS_PER_PHASE, warmup: C.WARMUP_ITEMS, payload: C.PAYLOAD_BYTES })
  let anchor: AnchorRun | undefined
  let why: string | undefined
  if (!libtorrentInstalled()) {
    why = 'libtorrent not installed: skipped'
    process.stderr.write(`bench: ${C.PYTHON} cannot import libtorrent (apt-get install python3-libtorrent python3-cryptography): libtorrent rows skipped\n`)
  } else {
    try {
      anchor = await runAnchor(C.SWARM_NODES, C.ITEMS_PER_PHASE, C.PAYLOAD_BYTES)
    } catch (e) {
      why = `libtorrent run failed: ${(e as Error).message}`
      process.stderr.write(`bench: ${why}\n`)
    }
  }
  const rows = buildRows(ours.phases, anchor?.phases, why, anchor === undefined ? 'libtorrent' : `libtorrent ${anchor.version}`)
  const perOp = Object.entries(ours.packetsPerOp).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')
  rows.push({ name: 'dht.lt.ours.packetsPerOp', value: ours.packetsPerOp.mutablePut, unit: 'datagrams', note: `mutable put; all ops: ${perOp} (all nodes' sends)` })
  rows.push({ name: 'dht.lt.ours.verifiesPerMutableOp', value: ours.verifies / (2 * C.ITEMS_PER_PHASE), unit: 'count', note: 'BIP340 verifies in the swarm per mutable put or get' })
  return rows
}
