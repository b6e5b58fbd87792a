// Reads a node's JSON log lines (winston: { level, message, timestamp, module?, ...context }) and
// keeps the events the summary needs. Lines that are not JSON (a crash trace, a pretty log) are
// kept only as text for failure reports.

export interface MinedEvent { id: string, height: number, timeMs: number, parent?: string }
export interface ImportedEvent { id?: string, height?: number, timeMs: number }
export interface ReorgEvent { depth: number, timeMs: number }
/** A voting round's result as the node logs it (fields beyond the message are optional). */
export interface VoteEvent { timeMs: number, votes?: number, decision?: string, reason?: string }

export type LogEvent =
  | { kind: 'mined', e: MinedEvent }
  | { kind: 'imported', e: ImportedEvent }
  | { kind: 'reorg', e: ReorgEvent }
  | { kind: 'vote', e: VoteEvent }
  | { kind: 'warning', message: string, timeMs: number }

const str = (v: unknown): string | undefined => typeof v === 'string' && v.length > 0 ? v : undefined
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

function timeOf (o: Record<string, unknown>, fallbackMs: number): number {
  const t = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : NaN
  return Number.isFinite(t) ? t : fallbackMs
}

/** One log line → at most one event. `nowMs` stands in when the line has no parseable timestamp. */
export function parseLogLine (line: string, nowMs: number): LogEvent | undefined {
  if (!line.startsWith('{')) return undefined
  let o: Record<string, unknown>
  try {
    const v: unknown = JSON.parse(line)
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
    o = v as Record<string, unknown>
  } catch {
    return undefined
  }
  const timeMs = timeOf(o, nowMs)
  const message = str(o.message)
  if (message === undefined) return undefined
  switch (message) {
    case 'mined block': {
      const id = str(o.id)
      const height = num(o.height)
      if (id === undefined || height === undefined) return undefined
      return { kind: 'mined', e: { id, height, timeMs, parent: str(o.parent) ?? str(o.parentId) } }
    }
    case 'imported block':
      return { kind: 'imported', e: { id: str(o.id), height: num(o.height), timeMs } }
    case 'reorg':
      return { kind: 'reorg', e: { depth: num(o.depth) ?? 0, timeMs } }
    case 'voting round':
      return { kind: 'vote', e: { timeMs, votes: num(o.votes), decision: str(o.decision), reason: str(o.reason) } }
    default:
      if (o.level === 'warn' || o.level === 'error') return { kind: 'warning', message, timeMs }
      return undefined
  }
}

/** What one node (across all its restarts) logged. */
export class NodeEvents {
  readonly mined: MinedEvent[] = []
  readonly reorgs: ReorgEvent[] = []
  /** How many nodes imported each block id (here: 1 per import line of this node). */
  readonly imported = new Map<string, number>()
  importedCount = 0
  votes = 0
  /** The last few voting rounds (bounded). */
  readonly voteLog: VoteEvent[] = []
  warnings = 0
  lastWarning?: string

  add (ev: LogEvent): void {
    switch (ev.kind) {
      case 'mined': this.mined.push(ev.e); break
      case 'imported':
        this.importedCount++
        if (ev.e.id !== undefined) this.imported.set(ev.e.id, (this.imported.get(ev.e.id) ?? 0) + 1)
        break
      case 'reorg': this.reorgs.push(ev.e); break
      case 'vote':
        this.votes++
        this.voteLog.push(ev.e)
        if (this.voteLog.length > 16) this.voteLog.shift()
        break
      case 'warning': this.warnings++; this.lastWarning = ev.message; break
    }
  }
}
