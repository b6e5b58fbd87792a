// Live events for /events (server-sent events): one listener per node event, fanned out to a
// bounded set of clients, with resume. Every event gets the id `<run>-<seq>`: `run` is random per
// hub (one per node run), `seq` counts every event of the run from 1, whether a client listens or
// not. The last SSE_REPLAY_EVENTS events (at most SSE_REPLAY_MAX_BYTES) are kept; a client that
// reconnects with `Last-Event-ID` gets the events after that id replayed before the live ones, so
// it misses nothing. When the id is of another run, unparseable, or older than the buffer, the
// client gets one `reset` event instead: it must re-read the REST routes, then follow the stream.
// Each client has a bounded write buffer: one that lets more than SSE_MAX_BUFFER_BYTES pile up is
// dropped (it reconnects and resumes). Everything is released on disconnect or server close.
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { toHex } from '../../chain/hex.js'
import type { NodeEventMap, NodeEvents } from '../context.js'
import { blockSummary, txJson } from './format.js'
import { SSE_HEARTBEAT_MS, SSE_MAX_BUFFER_BYTES, SSE_MAX_CLIENTS, SSE_REPLAY_EVENTS, SSE_REPLAY_MAX_BYTES, SSE_RETRY_MS } from './constants.js'

export { SSE_HEARTBEAT_MS, SSE_MAX_BUFFER_BYTES, SSE_MAX_CLIENTS } from './constants.js'
export const SSE_EVENT_TYPES = ['block', 'reorg', 'tx', 'vote', 'warning', 'message', 'receipt'] as const
export type SseEventType = typeof SSE_EVENT_TYPES[number]

interface Client { res: ServerResponse, types: ReadonlySet<SseEventType> }
interface Kept { seq: number, type: SseEventType, text: string }

type Listeners = { [K in SseEventType]: (...args: NodeEventMap[K]) => void }

/** Why a resume could not replay: the client must re-read the routes. */
export type ResetReason = 'other-run' | 'too-old' | 'bad-id' | 'ahead'

const json = (data: unknown): string => JSON.stringify(data, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)

export class EventHub {
  /** Random per hub, so ids of an earlier run are told apart from this run's. */
  readonly runId = randomBytes(6).toString('hex')
  private readonly clients = new Set<Client>()
  private readonly kept: Kept[] = []
  private keptBytes = 0
  private seq = 0
  private heartbeat?: NodeJS.Timeout
  readonly counters = { sent: 0, dropped: 0, connected: 0, replayed: 0, resets: 0, published: 0 }
  private readonly listeners: Listeners = {
    block: ev => { this.publish('block', { ...blockSummary(ev.block, ev.id), mined: ev.mined }) },
    reorg: ev => { this.publish('reorg', { depth: ev.depth, oldTip: toHex(ev.oldTip), newTip: toHex(ev.newTip), height: ev.height }) },
    tx: ev => { this.publish('tx', txJson(ev.tx, ev.id)) },
    vote: ev => { this.publish('vote', ev) },
    warning: ev => { this.publish('warning', ev) },
    message: ev => {
      const m = ev.message
      this.publish('message', { id: toHex(ev.id), from: toHex(m.f), to: m.o !== undefined ? toHex(m.o) : null, time: m.t, type: m.y, receipt: m.r !== undefined ? toHex(m.r) : null })
    },
    receipt: ev => { this.publish('receipt', { from: toHex(ev.from), message: toHex(ev.message), by: toHex(ev.by) }) }
  }

  constructor (private readonly events: NodeEvents) {}

  start (): void {
    for (const t of SSE_EVENT_TYPES) this.events.on(t, this.listeners[t] as (...a: unknown[]) => void)
    this.heartbeat = setInterval(() => { this.broadcast(': heartbeat\n\n') }, SSE_HEARTBEAT_MS)
    this.heartbeat.unref()
  }

  stop (): void {
    for (const t of SSE_EVENT_TYPES) this.events.off(t, this.listeners[t] as (...a: unknown[]) => void)
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat)
    for (const c of this.clients) c.res.destroy()
    this.clients.clear()
  }

  get size (): number { return this.clients.size }
  get full (): boolean { return this.clients.size >= SSE_MAX_CLIENTS }
  get lastId (): string { return `${this.runId}-${this.seq}` }
  /** Oldest seq still replayable (seq + 1 when the buffer is empty). */
  get oldestKept (): number { return this.kept[0]?.seq ?? this.seq + 1 }

  /**
   * Takes over `res` as an event stream. `lastEventId` (the Last-Event-ID header) resumes: the
   * kept events after it are written first, or a `reset` event when they cannot be.
   */
  attach (res: ServerResponse, types: ReadonlySet<SseEventType>, lastEventId?: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no'
    })
    // `hello` carries no id, so it leaves the client's last id as it was.
    res.write(`retry: ${SSE_RETRY_MS}\n: connected; events ${[...types].join(',')}\n\nevent: hello\ndata: ${json({ runId: this.runId, lastId: this.lastId, oldestId: `${this.runId}-${this.oldestKept}` })}\n\n`)
    if (lastEventId !== undefined) this.resume(res, types, lastEventId)
    const client: Client = { res, types }
    this.clients.add(client)
    this.counters.connected++
    res.socket?.setTimeout(0)
    const remove = (): void => { this.clients.delete(client) }
    res.on('close', remove)
    res.on('error', remove)
  }

  /** Replays what the client missed, or tells it to reset. Synchronous: no event can slip between. */
  private resume (res: ServerResponse, types: ReadonlySet<SseEventType>, lastEventId: string): void {
    const m = /^([0-9a-f]{12})-(\d{1,15})$/.exec(lastEventId.trim())
    let reason: ResetReason | undefined
    if (m === null) reason = 'bad-id'
    else if (m[1] !== this.runId) reason = 'other-run'
    else if (Number(m[2]) > this.seq) reason = 'ahead'
    else if (Number(m[2]) < this.oldestKept - 1) reason = 'too-old'
    if (reason !== undefined) {
      this.counters.resets++
      // The reset carries the current id, so the client resumes from here after re-reading.
      res.write(`event: reset\nid: ${this.lastId}\ndata: ${json({ reason, runId: this.runId, lastId: this.lastId, oldestId: `${this.runId}-${this.oldestKept}` })}\n\n`)
      return
    }
    const after = Number(m![2])
    for (const k of this.kept) {
      if (k.seq <= after || !types.has(k.type)) continue
      res.write(k.text)
      this.counters.replayed++
    }
  }

  private publish (type: SseEventType, data: unknown): void {
    const seq = ++this.seq
    const text = `event: ${type}\nid: ${this.runId}-${seq}\ndata: ${json(data)}\n\n`
    this.counters.published++
    this.keep({ seq, type, text })
    if (this.clients.size > 0) this.broadcast(text, type)
  }

  private keep (k: Kept): void {
    this.kept.push(k)
    this.keptBytes += k.text.length
    while (this.kept.length > SSE_REPLAY_EVENTS || this.keptBytes > SSE_REPLAY_MAX_BYTES) {
      this.keptBytes -= this.kept.shift()!.text.length
    }
  }

  private broadcast (text: string, type?: SseEventType): void {
    for (const c of this.clients) {
      if (type !== undefined && !c.types.has(type)) continue
      if (c.res.writableLength > SSE_MAX_BUFFER_BYTES) {
        this.counters.dropped++
        this.clients.delete(c)
        c.res.destroy()
        continue
      }
      c.res.write(text)
      if (type !== undefined) this.counters.sent++
    }
  }
}
