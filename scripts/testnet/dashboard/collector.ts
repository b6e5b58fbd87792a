// Watches every testnet node through its own public API: one /events stream per node (blocks and
// reorgs, timed on arrival here, so every delay is measured on one clock) and a /status read per
// second. Nothing in the nodes knows about it. A block's propagation delay to a node is the time
// between the first node reporting it (in practice its miner) and this node reporting it; blocks a
// node reports while catching up after its stream (re)opened are not counted.
import { EventSource } from 'eventsource'
import type { DashBlock, DashNode, DashReorg, DashSnapshot } from '../../../node/ui/src/netdash/snapshot.js'
import { parseStatus } from '../api.js'
import { STATUS_TIMEOUT_MS } from '../constants.js'
import { DASH_MAX_BLOCKS, DASH_MAX_BRANCH_FETCH, DASH_MAX_REORGS, DASH_MAX_SAMPLES, DASH_SNAPSHOT_BLOCKS, DASH_STATUS_POLL_MS } from './constants.js'
import { SampleRing, percentile } from './stats.js'

export interface DashTarget { name: string, api: string, pubkey: string }

interface Watch { target: DashTarget, es: EventSource, openedAtMs: number, view: DashNode }

interface BlockEvent { id: string, parent: string, height: number, miner: string, time: number }

const isBlockEvent = (v: unknown): v is BlockEvent => {
  const o = v as Partial<BlockEvent> | null
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.parent === 'string' &&
    typeof o.height === 'number' && typeof o.miner === 'string' && typeof o.time === 'number'
}

export class NetworkCollector {
  private readonly watches = new Map<string, Watch>()
  private readonly blocks = new Map<string, DashBlock>()
  private readonly reorgs: DashReorg[] = []
  private readonly samples = new SampleRing(DASH_MAX_SAMPLES)
  private timer?: NodeJS.Timeout
  private polling = false
  readonly startedAtMs = Date.now()
  /** Called after anything changed (the server throttles what it sends). */
  onChange: () => void = () => {}

  constructor (private readonly targets: () => DashTarget[]) {}

  start (): void {
    const tick = (): void => { void this.poll() }
    tick()
    this.timer = setInterval(tick, DASH_STATUS_POLL_MS)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    for (const w of this.watches.values()) w.es.close()
    this.watches.clear()
  }

  private watch (t: DashTarget): Watch {
    let w = this.watches.get(t.name)
    // A stream the server ended for good (a non-200 answer, e.g. too many streams) is opened again
    // on the next status round, at most once a second.
    if (w !== undefined && w.target.api === t.api && w.es.readyState !== EventSource.CLOSED) return w
    w?.es.close()
    const es = new EventSource(`${t.api}/events?types=block,reorg`)
    const view: DashNode = w?.view ?? { name: t.name, api: t.api, up: false, height: null, tipId: null, peers: null, mining: null, syncing: null, reorgs: null, consensusPoint: null, lastBlock: null, error: null }
    const watch: Watch = { target: t, es, openedAtMs: Number.POSITIVE_INFINITY, view }
    es.addEventListener('open', () => { watch.openedAtMs = Date.now() })
    es.addEventListener('block', ev => { this.onBlock(watch, parse(ev.data)) })
    es.addEventListener('reorg', ev => { this.onReorg(watch, parse(ev.data)) })
    this.watches.set(t.name, watch)
    return watch
  }

  /** One round: every target's stream exists and its status is read (each read has a deadline). */
  private async poll (): Promise<void> {
    if (this.polling) return
    this.polling = true
    try {
      await Promise.all(this.targets().map(async t => {
        const w = this.watch(t)
        try {
          const res = await fetch(`${t.api}/status`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) })
          const s = parseStatus(await res.json())
          Object.assign(w.view, { up: true, height: s.height, tipId: s.tipId, peers: s.peers, mining: s.mining?.enabled ?? null, syncing: s.syncing, reorgs: s.reorgs ?? null, consensusPoint: s.consensusPoint ?? null, error: null })
        } catch (e) {
          Object.assign(w.view, { up: false, error: (e as Error).message.slice(0, 200) })
        }
      }))
    } finally {
      this.polling = false
    }
    this.onChange()
  }

  private onBlock (w: Watch, data: unknown): void {
    if (!isBlockEvent(data)) return
    const now = Date.now()
    let b = this.blocks.get(data.id)
    if (b === undefined) {
      const minerName = this.targets().find(t => t.pubkey === data.miner)?.name ?? null
      b = { id: data.id, parent: data.parent, height: data.height, miner: data.miner, minerName, time: data.time, firstSeenMs: now, seenBy: {} }
      this.blocks.set(b.id, b)
      this.trim()
    }
    if (b.seenBy[w.target.name] === undefined) {
      const delay = now - b.firstSeenMs
      b.seenBy[w.target.name] = delay
      if (delay > 0 && b.firstSeenMs >= w.openedAtMs) this.samples.add(delay)
    }
    w.view.lastBlock = { id: b.id, height: b.height, delayMs: b.seenBy[w.target.name] }
    this.onChange()
  }

  private onReorg (w: Watch, data: unknown): void {
    const o = data as Partial<DashReorg> | null
    if (typeof o !== 'object' || o === null || typeof o.depth !== 'number' || typeof o.height !== 'number') return
    this.reorgs.push({ node: w.target.name, depth: o.depth, height: o.height, oldTip: String(o.oldTip), newTip: String(o.newTip), atMs: Date.now() })
    if (this.reorgs.length > DASH_MAX_REORGS) this.reorgs.splice(0, this.reorgs.length - DASH_MAX_REORGS)
    this.onChange()
    void this.fetchBranch(w, String(o.oldTip), Math.min(o.depth, DASH_MAX_BRANCH_FETCH))
  }

  /**
   * The branch a node left may hold blocks no stream reported here (mined before a stream opened):
   * read them from that node (it keeps side blocks) so the timeline can draw the fork. They get no
   * arrival times, so no propagation samples. At most `depth` blocks, each read with a deadline.
   */
  private async fetchBranch (w: Watch, tip: string, depth: number): Promise<void> {
    let id = tip
    for (let i = 0; i < depth && /^[0-9a-f]{64}$/.test(id) && !this.blocks.has(id); i++) {
      try {
        const res = await fetch(`${w.target.api}/block/${id}`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) })
        if (res.status !== 200) return
        const b: unknown = await res.json()
        if (!isBlockEvent(b) || b.id !== id) return
        const minerName = this.targets().find(t => t.pubkey === b.miner)?.name ?? null
        this.blocks.set(id, { id, parent: b.parent, height: b.height, miner: b.miner, minerName, time: b.time, firstSeenMs: Date.now(), seenBy: {} })
        this.trim()
        this.onChange()
        id = b.parent
      } catch { return }
    }
  }

  /** Forgets the lowest heights once more than DASH_MAX_BLOCKS are kept. */
  private trim (): void {
    if (this.blocks.size <= DASH_MAX_BLOCKS) return
    const byHeight = [...this.blocks.values()].sort((a, b) => a.height - b.height)
    for (const b of byHeight.slice(0, this.blocks.size - DASH_MAX_BLOCKS)) this.blocks.delete(b.id)
  }

  snapshot (): DashSnapshot {
    const nodes = this.targets().map(t => this.watches.get(t.name)?.view).filter((v): v is DashNode => v !== undefined)
    const votes = new Map<string, { n: number, height: number }>()
    for (const v of nodes) {
      if (!v.up || v.tipId === null) continue
      const c = votes.get(v.tipId) ?? { n: 0, height: v.height ?? 0 }
      c.n++
      votes.set(v.tipId, c)
    }
    const best = [...votes.entries()].sort((a, b) => b[1].n - a[1].n || b[1].height - a[1].height)[0]
    const all = [...this.blocks.values()].sort((a, b) => b.height - a.height)
    const top = all.length > 0 ? all[0].height : 0
    const s = this.samples.values
    return {
      nowMs: Date.now(), startedAtMs: this.startedAtMs, nodes,
      blocks: all.filter(b => b.height > top - DASH_SNAPSHOT_BLOCKS),
      mainTip: best?.[0] ?? null,
      reorgs: [...this.reorgs],
      propagation: { p50Ms: percentile(s, 50), p95Ms: percentile(s, 95), samples: s.length }
    }
  }
}

function parse (data: string): unknown {
  try { return JSON.parse(data) } catch { return undefined }
}
