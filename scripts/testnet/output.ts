// Live output of a run: a table of every node redrawn in place on a terminal (printed every few
// ticks otherwise), or one JSON line per tick and event with --json.
import { directRate } from './api.js'
import { type NodeView, shortHash } from './convergence.js'
import { type Summary, formatSummary, formatTable } from './summary.js'

export interface Reporter {
  tick (views: NodeView[], elapsedMs: number, mined: number[], nat?: Array<number | null>): void
  event (e: Record<string, unknown>, elapsedMs: number): void
  summary (s: Summary): void
  failure (text: string): void
}

export interface TickRow {
  node: string, state: string, height: number | null, tip: string | null, peers: number | null, mined: number, pool: number | null
  /** The DHT endpoint the node publishes (else the bound one), its NAT group (null: none), and its
   *  direct-get success rate (direct answers / direct attempts; null before any attempt). */
  address: string | null, nat: number | null, direct: number | null
}

export function tickRows (views: NodeView[], mined: number[], nat: Array<number | null> = []): TickRow[] {
  return views.map((v, i) => {
    const s = v.status
    const state = !v.up ? 'down' : s === undefined ? 'no answer' : s.ready === false ? 'starting' : s.syncing ? 'syncing' : 'synced'
    return {
      node: v.name, state, height: s?.height ?? null, tip: s === undefined ? null : shortHash(s.tipId),
      peers: s?.peers ?? null, mined: mined[i] ?? 0, pool: s?.poolSize ?? null,
      address: s?.endpoints?.public ?? (s?.dht !== undefined ? `${s.dht.host}:${s.dht.port}` : null),
      nat: nat[i] ?? null, direct: directRate(s)
    }
  })
}

export function renderTable (views: NodeView[], elapsedMs: number, mined: number[], nat: Array<number | null> = []): string {
  const rows = tickRows(views, mined, nat)
  const tips = new Set(rows.filter(r => r.tip !== null).map(r => r.tip))
  const d = (v: number | null): string => v === null ? '-' : String(v)
  const table = formatTable(['node', 'height', 'tip', 'peers', 'mined', 'pool', 'address', 'nat', 'direct', 'state'],
    rows.map(r => [r.node, d(r.height), r.tip ?? '-', d(r.peers), String(r.mined), d(r.pool), r.address ?? '-', d(r.nat), d(r.direct), r.state]))
  const agree = rows.every(r => r.tip !== null) && tips.size === 1 ? 'all on one tip' : `${tips.size} tips`
  return `[${Math.round(elapsedMs / 1000)} s] ${agree}\n${table}`
}

const elapsed = (ms: number): string => `[${String(Math.round(ms / 1000)).padStart(4)} s]`

export function eventText (e: Record<string, unknown>): string {
  const { scenario, phase, ...rest } = e
  const head = [scenario, phase].filter(x => x !== undefined).map(String).join(': ')
  const body = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')
  return `${head}${head && body ? ' ' : ''}${body}`
}

export class TableReporter implements Reporter {
  private drawn = 0
  private ticks = 0
  constructor (private readonly out: NodeJS.WriteStream = process.stdout, private readonly everyTicks = 10) {}

  private clear (): void {
    if (this.drawn > 0 && this.out.isTTY) this.out.write(`\x1b[${this.drawn}A\x1b[J`)
    this.drawn = 0
  }

  tick (views: NodeView[], elapsedMs: number, mined: number[], nat: Array<number | null> = []): void {
    this.ticks++
    const text = renderTable(views, elapsedMs, mined, nat)
    if (this.out.isTTY) {
      this.clear()
      this.out.write(text + '\n')
      this.drawn = text.split('\n').length
    } else if (this.ticks % this.everyTicks === 1) {
      this.out.write(text + '\n')
    }
  }

  event (e: Record<string, unknown>, elapsedMs: number): void {
    this.clear()
    this.out.write(`${elapsed(elapsedMs)} ${eventText(e)}\n`)
  }

  summary (s: Summary): void {
    this.clear()
    this.out.write('\n' + formatSummary(s) + '\n')
  }

  failure (text: string): void {
    this.clear()
    this.out.write(`\nFAILURE: ${text}\n`)
  }
}

export class JsonReporter implements Reporter {
  constructor (private readonly out: NodeJS.WritableStream = process.stdout) {}
  private line (o: Record<string, unknown>): void { this.out.write(JSON.stringify(o) + '\n') }
  tick (views: NodeView[], elapsedMs: number, mined: number[], nat: Array<number | null> = []): void {
    this.line({ type: 'tick', elapsedS: Math.round(elapsedMs / 1000), nodes: tickRows(views, mined, nat) })
  }

  event (e: Record<string, unknown>, elapsedMs: number): void { this.line({ type: 'event', elapsedS: Math.round(elapsedMs / 1000), ...e }) }
  summary (s: Summary): void { this.line({ type: 'summary', ...s }) }
  failure (text: string): void { this.line({ type: 'failure', message: text }) }
}

/** For library use (tests): keeps the events, prints nothing. */
export class QuietReporter implements Reporter {
  readonly events: Array<Record<string, unknown>> = []
  tick (): void {}
  event (e: Record<string, unknown>): void { this.events.push(e) }
  summary (): void {}
  failure (): void {}
}
