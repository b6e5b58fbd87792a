// The DHT engine: one bittorrent-dht instance with SHA-256 ids, BIP340 verification, an explicit
// loopback/LAN bind, an explicit bootstrap list, the guarded query handler, bounded storage and
// a routing table persisted across restarts. get.ts and put.ts build on the three network
// primitives here (directGet, recursiveGet, put); every one of them settles when the engine
// stops, because bittorrent-dht never calls a callback again after destroy().
import { settleWithin } from './settle.js'
import DHT, { type GetResult, type StoredValue, type Verify } from 'bittorrent-dht'
import { randomBytes } from 'node:crypto'
import { sha256, type KeyPair } from '../chain/crypto.js'
import * as C from './constants.js'
import type { Endpoint } from './endpoint.js'
import type { CancelSignal } from './cancel.js'
import { DhtError } from './errors.js'
import { forgetContact, installHandler, type Lookup } from './handler.js'
import { KrpcSocket } from './krpcSocket.js'
import { firstImmutable } from './lookup.js'
import { latestMutable } from './lookupMutable.js'
import { type PutItem, recursivePut } from './storeRound.js'
import { ExternalEndpoint } from './external.js'
import { LinkEmulator, type LinkOptions } from './link.js'
import { Blocklist } from './blocklist.js'
import { RateLimiter } from './ratelimit.js'
import { Pending } from './pending.js'
import { loadRouting, saveRouting, type SavedNode, type SavedRouting } from './routing.js'
import { DhtStats } from './stats.js'
import { WriteTokens } from './tokens.js'
import { limitStoredBytes, OwnItems, type OwnItem } from './store.js'
import { VerifiedCache, verifySignatureData } from './verify.js'
import { isBytes, isBytesMax, isBytesOf } from './wire.js'

export interface EngineOptions {
  /** Signs this node's mutable items (channels). Without it the engine can read but not publish. */
  keyPair?: KeyPair
  /** Bind address; default 127.0.0.1. Never left to the library (it would bind 0.0.0.0). */
  host?: string
  /** UDP port; 0 lets the OS choose (start() reports the real one). */
  port?: number
  /** Peers to join through. Empty means none: the public BitTorrent routers are never used. */
  bootstrap?: Endpoint[]
  /** Where the routing table and node id are kept across restarts. */
  dataDir?: string
  /** Fixed 32-byte node id; default: the saved one, else random. */
  nodeId?: Uint8Array
  k?: number
  concurrency?: number
  queryTimeoutMs?: number
  maxStoredValues?: number
  maxStoredBytes?: number
  putRatePerS?: number
  putBurst?: number
  stats?: DhtStats
  /** Emulated delay, jitter and loss on outgoing datagrams (testnets only: link.ts). */
  link?: LinkOptions
}

export interface PutOutcome {
  ok: boolean
  /** Nodes that accepted the put. */
  nodes: number
  /** Every answer was 302: the item (at this seq) is already there. */
  alreadyThere: boolean
  /** Why it failed: a KRPC error code, DHT_TIMEOUT, DHT_STOPPED or the library's message. */
  code?: string
}

/** A mutable put another node made to us that passed every check and was stored (handler.ts). */
export interface StoredPut {
  target: Uint8Array
  k: Uint8Array
  salt: Uint8Array
  seq: number
  /** Canonical bytes of `v`; the signature over them was verified. */
  value: Uint8Array
  /** Where the put came from (the sender's DHT socket). */
  from: Endpoint
}
export type StoredPutListener = (item: StoredPut) => void

/** How a direct put to one endpoint ended: stored, already held at this seq (302), or not. */
export type PushResult = 'ok' | 'already' | 'failed'

type QueryReply = { r: Record<string, unknown> } | { code: number } | null

export class DhtEngine {
  readonly stats: DhtStats
  readonly keyPair?: KeyPair
  private readonly opts: EngineOptions
  private readonly own = new OwnItems(C.MAX_OWN_ITEMS)
  private dht?: DHT
  private lookup?: Lookup
  private bound?: Endpoint
  private readonly pending = new Pending()
  /** Endpoints cut off both ways (testnet partitions, operator bans). */
  readonly blocked = new Blocklist()
  /** Last verified signature per mutable target: repeats are not checked again (verify.ts). */
  readonly verified = new VerifiedCache(C.MAX_VERIFIED_CACHE)
  /** Direct puts of our items to peers' endpoints, and verified mutable puts others made to us. */
  readonly pushes = { sent: 0, ok: 0, alreadyThere: 0, failed: 0, tokenGets: 0, storedIn: 0 }
  /** Write tokens from the replies of endpoints we queried directly ("host:port" → token). */
  private readonly tokens = new WriteTokens()
  private readonly putListeners = new Set<StoredPutListener>()
  /** What peers report as our address (BEP 42 `ip`), and the endpoint they agree on. */
  readonly external = new ExternalEndpoint()
  /** The emulated link, when one was asked for. */
  readonly link?: LinkEmulator

  constructor (opts: EngineOptions = {}) {
    this.opts = opts
    this.keyPair = opts.keyPair
    this.stats = opts.stats ?? new DhtStats()
    if (opts.link !== undefined) this.link = new LinkEmulator(opts.link)
    this.stats.gauge('routingNodes', () => this.dht?.nodes.count() ?? 0)
    this.stats.gauge('storedValues', () => this.dht?._values.length ?? 0)
    this.stats.gauge('ownItems', () => this.own.size)
    this.stats.gauge('verifyCacheHits', () => this.verified.hits)
    this.stats.gauge('pushSent', () => this.pushes.sent)
    this.stats.gauge('pushOk', () => this.pushes.ok)
    this.stats.gauge('pushAlreadyThere', () => this.pushes.alreadyThere)
    this.stats.gauge('pushFailed', () => this.pushes.failed)
    this.stats.gauge('pushTokenGets', () => this.pushes.tokenGets)
    this.stats.gauge('mutablePutsStored', () => this.pushes.storedIn)
    // Each running recursive lookup listens for the socket's 'update'; one that never ends (a reply
    // that never called back) shows here as a count that only grows.
    this.stats.gauge('lookupListeners', () => this.dht?._rpc.socket.listenerCount('update') ?? 0)
  }

  get running (): boolean {
    return this.dht !== undefined
  }

  /** The bound endpoint (valid after start()). */
  get endpoint (): Endpoint {
    if (this.bound === undefined) throw new DhtError('DHT_NOT_STARTED', 'engine is not started')
    return this.bound
  }

  get nodeId (): Uint8Array {
    return new Uint8Array(this.requireDht().nodeId)
  }

  nodeCount (): number {
    return this.dht?.nodes.count() ?? 0
  }

  /** The node's store, used to answer direct gets for blocks, transactions and messages. */
  setLookup (fn: Lookup | undefined): void {
    this.lookup = fn
  }

  async start (): Promise<Endpoint> {
    if (this.dht !== undefined) throw new DhtError('DHT_ALREADY_STARTED', 'engine already started')
    const o = this.opts
    const saved: SavedRouting = o.dataDir === undefined ? { nodes: [] } : loadRouting(o.dataDir)
    const nodeId = o.nodeId ?? saved.id ?? new Uint8Array(randomBytes(C.ID_BYTES))
    const bootstrap = (o.bootstrap ?? []).map(e => ({ host: e.host, port: e.port }))
    const timeoutMs = Math.max(4, Math.floor((o.queryTimeoutMs ?? C.QUERY_TIMEOUT_MS) * C.LIBRARY_TIMEOUT_FRACTION))
    const krpcSocket = new KrpcSocket({ timeoutMs, stats: this.stats, blocked: this.blocked, external: this.external, badReply: from => { if (this.dht !== undefined) forgetContact(this.dht, from) } })
    const dht = new DHT({
      krpcSocket,
      nodeId: Buffer.from(nodeId),
      bootstrap: bootstrap.length > 0 ? bootstrap : false,
      hash: (b: Uint8Array) => Buffer.from(sha256(b)),
      verify: (sig, msg, k) => this.verify(sig, msg, k),
      k: o.k ?? C.DHT_K,
      concurrency: o.concurrency ?? C.DHT_CONCURRENCY,
      maxValues: o.maxStoredValues ?? C.MAX_STORED_VALUES
    })
    // Bind in this tick: the constructor sends its bootstrap lookup on the next tick, and a send
    // on an unbound socket would bind 0.0.0.0 on a random port.
    dht.listen(o.port ?? 0, o.host ?? '127.0.0.1')
    this.dht = dht // from here on stop() can end this start
    dht.on('warning', () => { this.stats.traffic.warnings++ })
    const ready = new Promise<void>(resolve => {
      if (dht.ready === true) resolve()
      dht.once('ready', () => resolve())
      dht.once('close', () => resolve()) // stopped meanwhile: stop waiting
    })
    try {
      await new Promise<void>((resolve, reject) => {
        dht.once('listening', resolve)
        dht.once('error', reject)
        dht.once('close', () => reject(new Error('stopped while starting')))
      })
    } catch (e) {
      if (this.dht === dht) this.dht = undefined
      await new Promise<void>(resolve => dht.destroy(resolve))
      throw new DhtError('DHT_LISTEN_FAILED', `cannot listen on ${o.host ?? '127.0.0.1'}:${o.port ?? 0}: ${(e as Error).message}`)
    }
    dht.on('error', () => { this.stats.traffic.warnings++ }) // later socket errors must not throw
    installHandler(dht, {
      stats: this.stats,
      own: this.own,
      limiter: new RateLimiter(o.putRatePerS ?? C.PUT_RATE_PER_SOURCE_PER_S, o.putBurst ?? C.PUT_BURST_PER_SOURCE, C.MAX_RATE_LIMIT_SOURCES),
      lookup: () => this.lookup,
      verified: this.verified,
      stored: item => this.emitStored(item)
    })
    this.link?.install(krpcSocket.socket) // under the transport: a datagram is counted, waits, then is sent
    this.stats.gauge('storedBytes', limitStoredBytes(dht._values, o.maxStoredBytes ?? C.MAX_STORED_BYTES))
    const addr = dht.address()
    const bound = { host: addr.address, port: addr.port }
    this.bound = bound
    await settleWithin(ready, C.BOOTSTRAP_TIMEOUT_MS)
    await this.rejoin(saved.nodes)
    if (this.dht !== dht) throw new DhtError('DHT_NOT_STARTED', 'stopped while starting')
    return bound
  }

  /** Saves the routing table, settles everything pending (gets → null) and closes the socket. */
  async stop (): Promise<void> {
    const dht = this.dht
    if (dht === undefined) return
    this.dht = undefined
    const dir = this.opts.dataDir
    if (dir !== undefined) {
      try {
        // An empty table (stopped while starting, or isolated) would only erase a useful file.
        const nodes = dht.nodes.toArray()
        if (nodes.length > 0 || loadRouting(dir).id === undefined) saveRouting(dir, dht.nodeId, nodes)
      } catch {
        this.stats.traffic.handlerErrors++ // a read-only data dir must not block shutdown
      }
    }
    this.pending.settleAll()
    await new Promise<void>(resolve => dht.destroy(resolve))
    this.bound = undefined
  }

  /** Adds a peer: pings it first, so only live nodes with a proper id join the table. */
  async addNode (ep: Endpoint): Promise<boolean> {
    const dht = this.requireDht()
    const r = await this.rpc(ep, 'ping', {}, C.QUERY_TIMEOUT_MS)
    if (r === null || !isBytesOf(r.id, C.ID_BYTES) || this.dht !== dht) return false
    dht.addNode({ id: r.id, host: ep.host, port: ep.port })
    return true
  }

  /** Keeps one of our own mutable items so direct gets for it can be answered. */
  keepOwn (item: OwnItem): void {
    const prev = this.own.get(item.target)
    if (prev !== undefined && prev.seq >= item.seq) {
      throw new DhtError('DHT_BAD_SEQ', `seq ${item.seq} is not above the kept ${prev.seq}`)
    }
    this.own.keep(item)
  }

  ownItem (target: Uint8Array): OwnItem | undefined {
    return this.own.get(target)
  }

  /** What this node has for a target without asking anyone: the library store, then the lookup. */
  storedValue (target: Uint8Array): StoredValue | undefined {
    return this.dht?._values.peek(Buffer.from(target).toString('hex'))
  }

  lookupLocal (target: Uint8Array): Uint8Array | undefined {
    try {
      return this.lookup?.(target)
    } catch {
      return undefined
    }
  }

  /** One `get` to a known endpoint: the reply dict or null (timeout, error, stop). `resend`: a
   *  retransmission of a direct get already counted (dht/retransmit.ts). */
  directGet (ep: Endpoint, target: Uint8Array, timeoutMs: number, signal?: CancelSignal, resend = false): Promise<Record<string, unknown> | null> {
    if (!resend) this.stats.requests.direct++
    return this.rpc(ep, 'get', { target: Buffer.from(target) }, timeoutMs, signal)
  }

  /**
   * An iterative lookup that asks the network even when we hold a copy. Immutable: answered by the
   * first reply that checks (lookup.ts). Mutable: to the end of the walk, highest seq
   * (lookupMutable.ts); `verify` replaces the engine's hook for it (see LookupVerifier).
   */
  recursiveGet (target: Uint8Array, salt?: Uint8Array, verify?: Verify): Promise<GetResult | null> {
    const dht = this.requireDht()
    this.stats.requests.recursive++
    return this.pending.track<GetResult | null>(null, settle => {
      if (salt === undefined) return firstImmutable(dht, target, settle)
      latestMutable(dht, target, salt, verify ?? ((sig, msg, k) => this.verify(sig, msg, k)), settle)
    })
  }

  /** A recursive put (storeRound.ts: walk for tokens, stores; answered at a quorum). Never rejects. */
  put (opts: PutItem): Promise<PutOutcome> {
    const dht = this.requireDht()
    return this.pending.track<PutOutcome>({ ok: false, nodes: 0, alreadyThere: false, code: 'DHT_STOPPED' }, settle => {
      const timer = setTimeout(() => settle({ ok: false, nodes: 0, alreadyThere: false, code: 'DHT_TIMEOUT' }), C.PUT_TIMEOUT_MS)
      try {
        recursivePut(dht, opts, (err, n) => {
          if (err === null) settle({ ok: true, nodes: n, alreadyThere: false })
          else if (err.code === 302) settle({ ok: true, nodes: 0, alreadyThere: true }) // republish: already stored
          else settle({ ok: false, nodes: n ?? 0, alreadyThere: false, code: String(err.code ?? err.message) })
        })
      } catch (e) {
        settle({ ok: false, nodes: 0, alreadyThere: false, code: (e as Error).message })
      }
      return () => clearTimeout(timer)
    })
  }

  /**
   * Puts one of our own mutable items straight to a peer's endpoint (a push: PROTOCOL §9 "put when
   * publishing", to the nodes that read it rather than only to the target's neighbourhood). BEP44
   * needs a write token from that node: the one from its last reply to us if fresh, else one `get`
   * first. Never rejects.
   */
  async pushTo (ep: Endpoint, item: OwnItem, signal?: AbortSignal): Promise<PushResult> {
    if (this.dht === undefined) return 'failed'
    this.pushes.sent++
    const key = `${ep.host}:${ep.port}`
    let token = this.tokens.fresh(key)
    if (token === undefined) {
      this.pushes.tokenGets++
      await this.query(ep, 'get', { target: Buffer.from(item.target) }, C.PUSH_TIMEOUT_MS, signal)
      token = this.tokens.fresh(key)
    }
    if (token === undefined || this.dht === undefined) { this.pushes.failed++; return 'failed' }
    const res = await this.query(ep, 'put', { token, v: item.v, k: item.k, salt: item.salt, seq: item.seq, sig: item.sig }, C.PUSH_TIMEOUT_MS, signal)
    if (res !== null && 'r' in res) { this.pushes.ok++; return 'ok' }
    if (res !== null && res.code === 302) { this.pushes.alreadyThere++; return 'already' }
    if (res !== null && res.code === 203) this.tokens.forget(key) // token refused: get a new one next time
    this.pushes.failed++
    return 'failed'
  }

  /** Calls `fn` for every verified mutable put another node stored here; returns an unsubscribe. */
  onStoredPut (fn: StoredPutListener): () => void {
    this.putListeners.add(fn)
    return () => { this.putListeners.delete(fn) }
  }

  // ---- internals -------------------------------------------------------------------------------

  private emitStored (item: StoredPut): void {
    this.pushes.storedIn++
    for (const fn of this.putListeners) {
      try { fn(item) } catch { this.stats.traffic.handlerErrors++ }
    }
  }

  /** BEP44 verify hook: bittorrent-dht passes the signature data; we signed its SHA-256. */
  private verify (sig: unknown, msg: unknown, k: unknown): boolean {
    // Salted mutable puts never come here (handler.ts verifies and stores them itself).
    this.stats.verifies++
    return verifySignatureData(sig, msg, k)
  }

  private async rpc (ep: Endpoint, q: string, args: Record<string, unknown>, timeoutMs: number, signal?: CancelSignal): Promise<Record<string, unknown> | null> {
    const res = await this.query(ep, q, args, timeoutMs, signal)
    return res !== null && 'r' in res ? res.r : null
  }

  /** One k-rpc query: the reply dict, a KRPC error code, or null (timeout, abort, stop, junk). */
  private query (ep: Endpoint, q: string, args: Record<string, unknown>, timeoutMs: number, signal?: CancelSignal): Promise<QueryReply> {
    const dht = this.requireDht()
    return this.pending.track<QueryReply>(null, settle => {
      if (signal?.aborted === true) return settle(null)
      // k-rpc-socket directly (not k-rpc) so the query can be cancelled and its slot freed.
      // A bare {host, port}: k-rpc-socket compares a peer's `id` with Buffer.equals, which a
      // Uint8Array id does not have.
      const sock = dht._rpc.socket
      const tid = sock.query({ host: ep.host, port: ep.port }, { q, a: { id: dht.nodeId, ...args } }, (err, res) => {
        if (err !== null) {
          const code = err.code
          settle(typeof code === 'number' && Number.isSafeInteger(code) && code > 0 ? { code } : null)
          return
        }
        const r = res?.r
        if (typeof r !== 'object' || r === null || Array.isArray(r) || isBytes(r)) return settle(null)
        const dict = r as Record<string, unknown>
        if (isBytesMax(dict.token, C.MAX_TOKEN_BYTES) && dict.token.length > 0) this.tokens.keep(`${ep.host}:${ep.port}`, dict.token)
        settle({ r: dict })
      })
      // Cancel frees the query slot; settle too, in case a packet-handling error already consumed
      // the request without calling back.
      const cancel = (): void => { sock.cancel(tid); settle(null) }
      const timer = setTimeout(cancel, timeoutMs)
      signal?.addEventListener('abort', cancel, { once: true })
      return () => { clearTimeout(timer); signal?.removeEventListener('abort', cancel) }
    })
  }

  private async rejoin (nodes: SavedNode[]): Promise<void> {
    const self = this.dht?.nodeId
    await Promise.all(nodes
      .filter(n => self === undefined || !Buffer.from(n.id).equals(self))
      .map(n => this.addNode(n).catch(() => false)))
  }

  private requireDht (): DHT {
    if (this.dht === undefined) throw new DhtError('DHT_NOT_STARTED', 'engine is not started')
    return this.dht
  }
}
