// Convergence is judged by tip hash: every node answers and reports the same tipId (and, when asked,
// at least a minimum height). Pure functions over one round of status answers.
import type { NodeStatus } from './api.js'

export interface NodeView {
  name: string
  /** False when the process is not running (killed, crashed, not started). */
  up: boolean
  status?: NodeStatus
  error?: string
}

export interface TipGroup { tipId: string, height: number, nodes: string[] }

export interface Judgement {
  converged: boolean
  tipId?: string
  height?: number
  /** Nodes grouped by the tip they report, largest group first. */
  groups: TipGroup[]
  /** Nodes that did not answer (down, or the request failed). */
  silent: string[]
  reason?: string
}

export function judgeConvergence (views: readonly NodeView[], minHeight = 0): Judgement {
  const byTip = new Map<string, TipGroup>()
  const silent: string[] = []
  for (const v of views) {
    if (!v.up || v.status === undefined) { silent.push(v.name); continue }
    const g = byTip.get(v.status.tipId) ?? { tipId: v.status.tipId, height: v.status.height, nodes: [] }
    g.nodes.push(v.name)
    byTip.set(v.status.tipId, g)
  }
  const groups = [...byTip.values()].sort((a, b) => b.nodes.length - a.nodes.length || b.height - a.height)
  if (views.length === 0) return { converged: false, groups, silent, reason: 'no nodes' }
  if (silent.length > 0) return { converged: false, groups, silent, reason: `no answer from ${silent.join(', ')}` }
  if (groups.length > 1) return { converged: false, groups, silent, reason: `${groups.length} different tips` }
  const only = groups[0]
  if (only.height < minHeight) {
    return { converged: false, tipId: only.tipId, height: only.height, groups, silent, reason: `height ${only.height} < ${minHeight}` }
  }
  return { converged: true, tipId: only.tipId, height: only.height, groups, silent }
}

export const shortHash = (hex: string | undefined, chars = 10): string => hex === undefined ? '-' : hex.slice(0, chars)

/** One line per node: what a failure report prints before each node's last log lines. */
export function describeView (v: NodeView): string {
  if (!v.up) return `${v.name}: down${v.error !== undefined ? ` (${v.error})` : ''}`
  if (v.status === undefined) return `${v.name}: no status (${v.error ?? 'no answer'})`
  const s = v.status
  return `${v.name}: height ${s.height} tip ${s.tipId} peers ${s.peers} syncing ${String(s.syncing)}` +
    (s.consensusPoint !== null && s.consensusPoint !== undefined ? ` consensus ${s.consensusPoint.height}:${shortHash(s.consensusPoint.id)}` : '') +
    (Array.isArray(s.warnings) && s.warnings.length > 0 ? ` warnings ${JSON.stringify(s.warnings)}` : '')
}
