// Bench rows for the side-by-side DHT bench: per operation our p50, p95 and CPU per op, each with
// libtorrent's figure from the same run as its bound (so the ratio column is ours / libtorrent's).
import { type BenchRow, percentile } from '../harness.js'
import { GOAL_CPU_RATIO, GOAL_P50_RATIO } from './constants.js'
import { OP_MEANING, OPS, type PhaseResult, type SideResult } from './ops.js'

export const cpuPerOp = (p: PhaseResult): number => p.ops === 0 ? NaN : p.cpuMs / p.ops

/**
 * `anchor` undefined: libtorrent could not be run; the rows carry our figures alone and `why`.
 * The mutable get's two rows come from one lookup, so they share one CPU figure.
 */
export function buildRows (ours: SideResult, anchor: SideResult | undefined, why?: string, anchorLabel = 'libtorrent'): BenchRow[] {
  const rows: BenchRow[] = []
  for (const op of OPS) {
    const o = ours[op]
    const a = anchor?.[op]
    const base = `dht.lt.${op}`
    const fail = o.failed > 0 || (a?.failed ?? 0) > 0 ? `; failed: ours ${o.failed}, ${anchorLabel} ${a?.failed ?? '-'}` : ''
    const against = (ourValue: number, bound: number | undefined, goal: number | undefined, note: string): Partial<BenchRow> => {
      if (a === undefined || bound === undefined) return { note: `${why ?? 'libtorrent not installed: skipped'}; ${note}` }
      const g = goal === undefined ? '' : ` (goal ratio <= ${goal}${ourValue / bound <= goal ? ', met' : ', NOT met'})`
      return { bound, boundLabel: anchorLabel, note: `${note}${g}` }
    }
    const p50 = percentile(o.latMs, 50)
    const p95 = percentile(o.latMs, 95)
    const cpu = cpuPerOp(o)
    rows.push({ name: `${base}.p50`, value: p50, unit: 'ms', samples: [p50], ...against(p50, a && percentile(a.latMs, 50), GOAL_P50_RATIO, `${OP_MEANING[op]}; n=${o.latMs.length}${fail}`) })
    rows.push({ name: `${base}.p95`, value: p95, unit: 'ms', samples: [p95], ...against(p95, a && percentile(a.latMs, 95), undefined, 'same operations') })
    rows.push({ name: `${base}.cpuPerOp`, value: cpu, unit: 'ms', samples: [cpu], ...against(cpu, a && cpuPerOp(a), GOAL_CPU_RATIO, 'process CPU over the phase / ops, every node of the swarm included') })
  }
  return rows
}
