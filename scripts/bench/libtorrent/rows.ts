// Bench rows for the side-by-side DHT bench: per operation our p50, p95 and CPU per op, each with
// libtorrent's figure from the same run as its bound (so the ratio column is ours / libtorrent's).
// The two sides run in alternating rounds; a row's value and bound are medians over the rounds, so
// a load change on the shared machine between rounds hits both sides alike.
import { type BenchRow, median, percentile } from '../harness.js'
import { GOAL_CPU_RATIO, GOAL_P50_RATIO } from './constants.js'
import { OP_MEANING, OPS, type Op, type PhaseResult, type SideResult } from './ops.js'

export const cpuPerOp = (p: PhaseResult): number => p.ops === 0 ? NaN : p.cpuMs / p.ops

type Figure = (p: PhaseResult) => number
const p50: Figure = p => percentile(p.latMs, 50)
const p95: Figure = p => percentile(p.latMs, 95)

/**
 * `ours` and `anchor`: one SideResult per round. `anchor` undefined (or empty): libtorrent could
 * not be run; the rows carry our figures alone and `why`. The mutable get's two rows come from one
 * lookup, so they share one CPU figure.
 */
export function buildRows (ours: SideResult[], anchor: SideResult[] | undefined, why?: string, anchorLabel = 'libtorrent', prefix = 'dht.lt'): BenchRow[] {
  const rows: BenchRow[] = []
  const theirs = anchor !== undefined && anchor.length > 0 ? anchor : undefined
  const sum = (sides: SideResult[], op: Op, f: (p: PhaseResult) => number): number => sides.reduce((a, s) => a + f(s[op]), 0)
  for (const op of OPS) {
    const base = `${prefix}.${op}`
    const failedOurs = sum(ours, op, p => p.failed)
    const failedTheirs = theirs === undefined ? undefined : sum(theirs, op, p => p.failed)
    const fail = failedOurs > 0 || (failedTheirs ?? 0) > 0 ? `; failed: ours ${failedOurs}, ${anchorLabel} ${failedTheirs ?? '-'}` : ''
    const n = sum(ours, op, p => p.latMs.length)
    const one = (suffix: string, f: Figure, goal: number | undefined, note: string): BenchRow => {
      const samples = ours.map(s => f(s[op]))
      const value = median(samples)
      const r: BenchRow = { name: `${base}.${suffix}`, value, unit: 'ms', samples }
      if (theirs === undefined) return { ...r, note: `${why ?? 'libtorrent not installed: skipped'}; ${note}` }
      const bound = median(theirs.map(s => f(s[op])))
      const g = goal === undefined ? '' : ` (goal ratio <= ${goal}${value / bound <= goal ? ', met' : ', NOT met'})`
      return { ...r, bound, boundLabel: anchorLabel, note: `${note}${g}` }
    }
    const rounds = `median of ${ours.length} round(s)`
    rows.push(one('p50', p50, GOAL_P50_RATIO, `${OP_MEANING[op]}; ${rounds}, ${n} ops${fail}`))
    rows.push(one('p95', p95, undefined, `same operations, ${rounds}`))
    rows.push(one('cpuPerOp', cpuPerOp, GOAL_CPU_RATIO, 'process CPU over the phase / ops, every node of the swarm included'))
    // Datagrams the whole swarm sent per op, when both sides counted them (libtorrent's own counter).
    const grams = (p: PhaseResult): number => p.datagramsOut === undefined || p.ops === 0 ? NaN : p.datagramsOut / p.ops
    if (ours.every(s => s[op].datagramsOut !== undefined)) {
      const counted = theirs?.every(s => s[op].datagramsOut !== undefined) === true
      rows.push({ ...one('datagramsPerOp', grams, undefined, 'UDP datagrams sent by all nodes / ops'), unit: 'datagrams', ...(counted ? {} : { bound: undefined, boundLabel: undefined }) })
    }
  }
  return rows
}
