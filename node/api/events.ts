// Live events for /events (server-sent events): one listener per node event, fanned out to a
// bounded set of clients. Each client has a bounded write buffer: a client that lets more than
// SSE_MAX_BUFFER_BYTES pile up is dropped (it can reconnect and re-read what it missed through
// the REST routes). Heartbeat comments keep proxies from closing idle streams; everything is
// released when the client disconnects or the server closes.
import type { ServerResponse } from 'node:http'
import { toHex } from '../../chain/hex.js'
import type { NodeEventMap, NodeEvents } from '../context.js'
import { blockSummary, txJson } from './format.js'

export const SSE_EVENT_TYPES = ['block', 'reorg', 'tx', 'vote', 'warning', 'message', 'receipt'] as const
export type SseEventType = typeof SSE_EVENT_TYPES[number]
export const SSE_MAX_CLIENTS = 64
export const SSE_MAX_BUFFER_BYTES = 256 * 1024
export const SSE_HEARTBEAT_MS = 15_000

interface Client { res: ServerResponse, types: ReadonlySet<SseEventType> }

type Listeners = { [K in SseEventType]: (...args: NodeEventMap[K]) => void }

export class EventHub {
  private readonly clients = new Set<Client>()
  private seq = 0
  private heartbeat?: NodeJS.Timeout
  readonly counters = { sent: 0, dropped: 0, connected: 0 }
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

  /** Takes over `res` as an event stream. */
  attach (res: ServerResponse, types: ReadonlySet<SseEventType>): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no'
    })
    res.write(`retry: 3000\n: connected; events ${[...types].join(',')}\n\n`)
    const client: Client = { res, types }
    this.clients.add(client)
    this.counters.connected++
    res.socket?.setTimeout(0)
    const remove = (): void => { this.clients.delete(client) }
    res.on('close', remove)
    res.on('error', remove)
  }

  private publish (type: SseEventType, data: unknown): void {
    if (this.clients.size === 0) return
    const text = `event: ${type}\nid: ${++this.seq}\ndata: ${JSON.stringify(data, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)}\n\n`
    this.broadcast(text, type)
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
