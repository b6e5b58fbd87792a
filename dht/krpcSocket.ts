// The KRPC transport under bittorrent-dht: what k-rpc-socket did (a UDP socket, transaction ids,
// query timeouts, matching replies to queries), with the project's checks folded in, so each
// datagram is decoded once and passes through one function. k-rpc takes it in place of its own
// socket (the `krpcSocket` option, passed through bittorrent-dht's options), and it keeps
// k-rpc-socket's surface: query/cancel/response/error/send/bind/address/destroy, `inflight`,
// `socket` (the dgram socket, whose `send(buf, offset, length, port, host, cb)` the link emulator
// and tests wrap), and the events 'query', 'response', 'update', 'postupdate', 'listening',
// 'warning' and 'error'. What it does besides, once per datagram:
// - the blocklist both ways and the traffic counters (bytes and packets in and out);
// - a datagram that does not decode (krpcDecode.ts), is not a query, reply or error, answers no
//   query of ours (unknown transaction id), or comes from another endpoint than the one asked is
//   dropped with a counted reason; k-rpc-socket passed unsolicited replies on to the routing table;
// - a reply or error to one of our queries is checked (replyGuard.ts) before its callback, and a
//   malformed one fails that query at once and removes its sender from the routing table;
// - BEP 42: every response we send names the requester's endpoint (`ip`), and the `ip` of every
//   reply matched to one of our queries goes to the external-address collector.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { lookup } from 'node:dns'
import { EventEmitter } from 'node:events'
import { isIP, isIPv4 } from 'node:net'
import type { KrpcMessage, Peer } from 'bittorrent-dht'
import type { Blocklist } from './blocklist.js'
import { KRPC_MAX_CACHED_HOSTS, KRPC_QUERY_SWEEPS, QUERY_TID_BYTES } from './constants.js'
import { encodeEndpoint } from './endpoint.js'
import type { ExternalEndpoint } from './external.js'
import { decodeKrpc, type KrpcDict } from './krpcDecode.js'
import { encodeKrpc } from './krpcEncode.js'
import { BadReplyError, checkReply } from './replyGuard.js'
import type { DhtStats } from './stats.js'

export type QueryError = Error & { code?: unknown }
export type QueryCallback = (err: QueryError | null, res: KrpcMessage | null, from: RemoteInfo | Peer, sent?: Record<string, unknown>) => void
type SendCallback = (err?: Error | null) => void
/** A peer as the library hands it over: a contact ({host, port, id?}) or a sender's RemoteInfo. */
type Target = (Peer & { id?: Uint8Array }) | RemoteInfo

export interface KrpcSocketOptions {
  /** Query timeout given to the transport (the engine passes LIBRARY_TIMEOUT_FRACTION of its own). */
  timeoutMs: number
  stats: DhtStats
  blocked: Blocklist
  external: ExternalEndpoint
  /** A node answered one of our queries with a malformed reply (the engine drops it from routing). */
  badReply?: (from: RemoteInfo) => void
}

interface Request {
  peer: Peer & { id?: Uint8Array }
  message: Record<string, unknown>
  callback: QueryCallback
  /** Sweeps left before the query times out. */
  ttl: number
}

const Y_QUERY = 0x71; const Y_REPLY = 0x72; const Y_ERROR = 0x65 // 'q', 'r', 'e'
const MAX_TID = 0xffff

const timedOut = (): QueryError => Object.assign(new Error('Query timed out'), { code: 'ETIMEDOUT' })
const unexpectedNode = (): QueryError => Object.assign(new Error('Unexpected node id'), { code: 'EUNEXPECTEDNODE' })
const hostOf = (p: Target): string => 'address' in p ? p.address : p.host
const noop = (): void => {}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export class KrpcSocket extends EventEmitter {
  readonly socket: Socket
  inflight = 0
  destroyed = false
  private listening = false
  private readonly reqs = new Map<number, Request>()
  private tick = 0
  /** IPv4 hosts → their 4 address bytes (null: not IPv4), for BEP 42's `ip`. */
  private readonly hosts = new Map<string, Uint8Array | null>()
  private sweeper?: NodeJS.Timeout

  constructor (private readonly o: KrpcSocketOptions) {
    super()
    this.socket = createSocket({ type: 'udp4', lookup: (host, opts, cb) => this.lookupHost(host, cb) })
    this.socket.on('message', (buf, rinfo) => this.onMessage(buf, rinfo))
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EACCES' || err.code === 'EADDRINUSE') this.emit('error', err)
      else this.emit('warning', err)
    })
    this.socket.on('listening', () => { this.listening = true; this.emit('listening') })
  }

  address (): ReturnType<Socket['address']> {
    return this.socket.address()
  }

  bind (...args: unknown[]): void {
    (this.socket.bind as (...a: unknown[]) => void)(...args)
  }

  /** Sends a query; `cb` gets the reply, a KRPC error, or a timeout/cancel error. Returns the transaction id. */
  query (peer: Peer & { id?: Uint8Array }, query: { q: string, a: Record<string, unknown> }, cb: QueryCallback = noop): number {
    if (this.destroyed) { process.nextTick(cb, new Error('transport destroyed'), null, peer); return 0 }
    if (isIP(peer.host) === 0) { this.resolveAndQuery(peer, query, cb); return 0 }
    const tid = this.nextTid()
    if (tid === 0) { process.nextTick(cb, new Error('no free transaction id'), null, peer); return 0 }
    const message = { t: Buffer.from([tid >> 8, tid & 0xff]), y: 'q', q: query.q, a: query.a }
    let buf: Buffer
    try {
      buf = encodeKrpc(message) // now: the library reuses `a` (a store round sets each node's token)
    } catch (e) {
      this.o.stats.traffic.handlerErrors++
      process.nextTick(cb, e as Error, null, peer)
      return 0
    }
    this.reqs.set(tid, { peer, message, callback: cb, ttl: KRPC_QUERY_SWEEPS })
    this.inflight++
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(1, Math.floor(this.o.timeoutMs / KRPC_QUERY_SWEEPS)))
    this.sendBytes(buf, peer.port, peer.host, noop)
    return tid
  }

  /** Ends a query now: its callback gets `err` (default: cancelled). */
  cancel (tid: number, err?: Error): void {
    const req = this.reqs.get(tid)
    if (req !== undefined) this.end(tid, req, err ?? new Error('Query was cancelled'), null, req.peer)
  }

  response (peer: Target, req: KrpcMessage, res: Record<string, unknown>, cb?: SendCallback): void {
    const msg: Record<string, unknown> = { t: req.t, y: 'r', r: res }
    const ip = this.compactEndpoint(hostOf(peer), peer.port)
    if (ip !== undefined) msg.ip = ip // BEP 42: the requester's endpoint as we see it
    this.send(peer, msg, cb)
  }

  error (peer: Target, req: KrpcMessage, error: unknown, cb?: SendCallback): void {
    const e = (error as { message?: unknown }).message ?? error
    this.send(peer, { t: req.t, y: 'e', e: Array.isArray(e) ? e : [e] }, cb)
  }

  send (peer: Target, message: Record<string, unknown>, cb?: SendCallback): void {
    let buf: Buffer
    try {
      buf = encodeKrpc(message)
    } catch (e) {
      this.o.stats.traffic.handlerErrors++
      if (cb !== undefined) process.nextTick(cb, e as Error)
      return
    }
    this.sendBytes(buf, peer.port, hostOf(peer), cb ?? noop)
  }

  destroy (cb?: () => void): void {
    if (this.destroyed) { if (cb !== undefined) process.nextTick(cb); return }
    this.destroyed = true
    if (this.sweeper !== undefined) clearInterval(this.sweeper)
    this.sweeper = undefined
    if (cb !== undefined) this.socket.once('close', cb)
    for (const [tid, req] of this.reqs) this.end(tid, req, new Error('Query was cancelled'), null, req.peer)
    try {
      this.socket.close()
    } catch {
      cb?.() // closed already
    }
  }

  // ---- internals -------------------------------------------------------------------------------

  private sendBytes (buf: Buffer, port: number, host: string, cb: SendCallback): void {
    const t = this.o.stats.traffic
    if (this.o.blocked.has(host, port)) { t.blockedOut++; process.nextTick(cb); return }
    t.packetsOut++
    t.bytesOut += buf.length
    try {
      this.socket.send(buf, 0, buf.length, port, host, cb)
    } catch (e) {
      this.emit('warning', e) // the socket closed meanwhile
      process.nextTick(cb, e as Error)
    }
  }

  /** host:port in BEP 42's 6 bytes, the address part parsed once per host (bounded cache). */
  private compactEndpoint (host: string, port: number): Uint8Array | undefined {
    if (!Number.isInteger(port) || port <= 0 || port > 0xffff) return undefined
    let addr = this.hosts.get(host)
    if (addr === undefined) {
      addr = isIPv4(host) ? encodeEndpoint({ host, port }).subarray(0, 4) : null
      if (this.hosts.size >= KRPC_MAX_CACHED_HOSTS) this.hosts.clear()
      this.hosts.set(host, addr)
    }
    if (addr === null) return undefined
    const out = new Uint8Array(6)
    out.set(addr)
    out[4] = port >> 8
    out[5] = port & 0xff
    return out
  }

  /**
   * dgram resolves the destination of every send through `dns.lookup`, which answers an IP literal
   * on the next tick: a tick and an async-hooks scope per datagram. Every destination here is a
   * literal (a hostname is resolved once in `query`), so once bound a literal is handed back at
   * once. Not before: bind resolves its address through here too, and would then emit 'listening'
   * inside `bind()`, before the caller listens for it.
   */
  private lookupHost (host: string, cb: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
    if (this.listening && isIPv4(host)) { cb(null, host, 4); return }
    lookup(host, { family: 4 }, cb)
  }

  private nextTid (): number {
    for (let i = 0; i < MAX_TID; i++) {
      this.tick = this.tick >= MAX_TID ? 1 : this.tick + 1
      if (!this.reqs.has(this.tick)) return this.tick
    }
    return 0
  }

  /** Every quarter of the timeout: a query swept KRPC_QUERY_SWEEPS times without an answer times out. */
  private sweep (): void {
    for (const [tid, req] of this.reqs) {
      if (req.ttl > 0) req.ttl--
      else this.end(tid, req, timedOut(), null, req.peer)
    }
    if (this.reqs.size === 0 && this.sweeper !== undefined) { clearInterval(this.sweeper); this.sweeper = undefined }
  }

  private end (tid: number, req: Request, err: QueryError | null, res: KrpcMessage | null, from: RemoteInfo | Peer): void {
    this.reqs.delete(tid)
    this.inflight--
    // Called from a timer too: nothing a callback or a waiting lookup throws may escape.
    try { req.callback(err, res, from, req.message) } catch { this.o.stats.traffic.handlerErrors++ }
    try {
      this.emit('update')
      this.emit('postupdate')
    } catch {
      this.o.stats.traffic.handlerErrors++
    }
  }

  private onMessage (buf: Buffer, rinfo: RemoteInfo): void {
    if (this.destroyed || rinfo.port === 0) return
    const { stats } = this.o
    if (this.o.blocked.has(rinfo.address, rinfo.port)) { stats.traffic.blockedIn++; return }
    stats.traffic.packetsIn++
    stats.traffic.bytesIn += buf.length
    const d = decodeKrpc(buf)
    if (!d.ok) { stats.drop(d.reason); return }
    try {
      this.dispatch(d.msg, rinfo)
    } catch {
      stats.traffic.handlerErrors++ // nothing thrown while handling a packet reaches the socket
    }
  }

  private dispatch (msg: KrpcDict, rinfo: RemoteInfo): void {
    const { stats } = this.o
    const y = msg.y
    const type = y instanceof Uint8Array && y.length === 1 ? y[0] : -1
    if (type === Y_QUERY) { this.emit('query', msg, rinfo); return }
    if (type !== Y_REPLY && type !== Y_ERROR) { stats.drop('krpc_bad_type'); return }
    const t = msg.t
    if (!(t instanceof Uint8Array) || t.length !== QUERY_TID_BYTES) { stats.drop('reply_bad_tid'); return }
    const tid = (t[0] << 8) | t[1]
    const req = this.reqs.get(tid)
    if (req === undefined) { stats.drop('reply_unknown_tid'); return }
    if (req.peer.host !== rinfo.address || req.peer.port !== rinfo.port) { stats.drop('reply_wrong_source'); return }
    const bad = checkReply(msg, type === Y_ERROR ? 'e' : 'r')
    if (bad !== null) {
      stats.drop(bad)
      this.end(tid, req, new BadReplyError(bad), null, rinfo)
      this.o.badReply?.(rinfo)
      return
    }
    if (type === Y_ERROR) {
      const e = msg.e as unknown[]
      const err: QueryError = new Error(e.map(String).join(' '))
      err.code = typeof e[0] === 'number' ? e[0] : 0
      this.end(tid, req, err, msg, rinfo)
      return
    }
    const r = msg.r as KrpcDict
    if (req.peer.id !== undefined && req.peer.id !== null && !sameBytes(req.peer.id, r.id as Buffer)) {
      this.end(tid, req, unexpectedNode(), null, rinfo)
      return
    }
    if (msg.ip !== undefined) this.o.external.report({ host: rinfo.address, port: rinfo.port }, msg.ip)
    this.end(tid, req, null, msg, rinfo)
    this.emit('response', msg, rinfo)
  }

  private resolveAndQuery (peer: Peer, query: { q: string, a: Record<string, unknown> }, cb: QueryCallback): void {
    lookup(peer.host, { family: 4 }, (err, ip) => {
      if (err !== null) return cb(err, null, peer)
      if (this.destroyed) return cb(new Error('transport destroyed'), null, peer)
      this.query({ host: ip, port: peer.port }, query, cb)
    })
  }
}
