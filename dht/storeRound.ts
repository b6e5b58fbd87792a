// A recursive BEP44 put (PROTOCOL §9, "put and forget"): the engine's own walk (walk.ts) collects
// write tokens from the k closest nodes, and a store goes to each of them that gave one, as soon as
// the walk has converged up to it (walk.ts `onSettled`), the rest when the walk ends. The
// caller is answered once PUT_STORE_QUORUM stores were accepted (or every store has come back):
// the remaining stores still go out and finish on their own. bittorrent-dht's put answered only
// after the last of its k stores, and its walk (k-rpc's `closest`) asked k nodes at once, re-sorted
// its table on every reply and called back only after every query in flight had ended. The walk's
// result is kept for PUT_TABLE_MAX_AGE_MS, so a repeat put to the same target (a channel's next
// item) skips the lookup, as the library's `_tables` did. Wire messages are what BEP44 says and
// what the library sent: the walk's `get {id, target}`, then `put {id, token, v[, cas, salt, k,
// seq, sig]}` with each node's own token.
import type DHT from 'bittorrent-dht'
import type { PutOpts } from 'bittorrent-dht'
import bencode from 'bencode'
import { sha256 } from '../chain/crypto.js'
import { Lru } from '../chain/lru.js'
import { MAX_PUT_TABLES, PUT_LOOKUP_MAX_QUERIES, PUT_STORE_QUORUM, PUT_TABLE_MAX_AGE_MS, WALK_ALPHA } from './constants.js'
import { Bencoded } from './krpcEncode.js'
import { walk } from './walk.js'

/**
 * What to put: the library's put options, and where the caller has them, the canonical bytes of
 * `v` (the bytes a mutable item's signature covers). Those go into every store as they are and
 * give an immutable item its target, so a put encodes its value not once per store but never.
 */
export interface PutItem extends PutOpts { encoded?: Uint8Array }

export type PutCallback = (err: (Error & { code?: unknown }) | null, stored: number) => void

/** A node to store to: its endpoint and the write token it gave us. */
interface StoreNode { host: string, port: number, token: Buffer }
interface Table { nodes: StoreNode[], atMs: number }

/** Per engine: recent put targets (hex) → the k closest nodes that gave tokens. */
const tables = new WeakMap<DHT, Lru<string, Table>>()

/** The BEP44 target of a put: SHA-256 of k ‖ salt (mutable) or of the bencoded value (immutable). */
function targetOf (opts: PutItem): Buffer {
  if (opts.k !== undefined) return Buffer.from(sha256(opts.salt !== undefined ? Buffer.concat([opts.k, opts.salt]) : opts.k))
  return Buffer.from(sha256(opts.encoded ?? bencode.encode(opts.v)))
}

/** Runs one recursive put; `cb` runs exactly once (see the module comment for when). */
export function recursivePut (dht: DHT, opts: PutItem, cb: PutCallback, quorum = PUT_STORE_QUORUM, alpha = WALK_ALPHA): Buffer {
  const key = targetOf(opts)
  const hex = key.toString('hex')
  let byTarget = tables.get(dht)
  if (byTarget === undefined) {
    byTarget = new Lru(MAX_PUT_TABLES)
    tables.set(dht, byTarget)
  }
  const cache = byTarget
  const kept = cache.get(hex)
  if (kept !== undefined && performance.now() - kept.atMs < PUT_TABLE_MAX_AGE_MS) {
    const round = new StoreRound(dht, key, opts, quorum, (err, n) => {
      // Every kept node gone: the next put walks again.
      if (n === 0 && !isAlready(err)) cache.delete(hex)
      cb(err, n)
    })
    for (const node of kept.nodes) round.send(node)
    round.close()
    return key
  }
  const round = new StoreRound(dht, key, opts, quorum, cb)
  walk(dht, {
    target: key,
    message: { q: 'get', a: { id: dht._rpc.id, target: key } },
    alpha,
    maxQueries: PUT_LOOKUP_MAX_QUERIES,
    // A node the walk has converged to is stored to at once: the stores overlap the walk's last
    // round trips instead of following them (the library stored only after its walk had ended).
    onSettled: n => { if (n.token !== undefined && !dht.destroyed) round.send({ host: n.host, port: n.port, token: n.token }) },
    done: closest => {
      if (dht.destroyed) return // the engine settles the caller when it stops
      const nodes: StoreNode[] = []
      for (const n of closest) if (n.token !== undefined) nodes.push({ host: n.host, port: n.port, token: n.token })
      if (nodes.length > 0) cache.set(hex, { nodes, atMs: performance.now() })
      else cache.delete(hex)
      for (const node of nodes) round.send(node)
      round.close()
    }
  })
  return key
}

function isAlready (err: (Error & { code?: unknown }) | null): boolean {
  return err !== null && typeof err.code === 'number' && err.code >= 300 && err.code < 400
}

/**
 * The stores of one put, sent as their nodes become known (each endpoint once); the caller is
 * answered once `quorum` were accepted, or, after `close` (no more nodes to come), once
 * min(quorum, sent) were or every store has come back.
 */
class StoreRound {
  private readonly a: Record<string, unknown> & { v: unknown }
  /** `a` as the stores carry it: with the caller's canonical bytes of `v` where given. */
  private readonly wire: Record<string, unknown>
  private readonly sentTo = new Set<string>()
  private back = 0
  private hits = 0
  private closed = false
  private answered = false
  private already: (Error & { code?: unknown }) | null = null

  constructor (private readonly dht: DHT, key: Buffer, opts: PutItem, private readonly quorum: number, private readonly cb: PutCallback) {
    this.a = { id: dht._rpc.id, v: opts.v }
    if (opts.k !== undefined) {
      if (typeof opts.cas === 'number') this.a.cas = opts.cas
      if (opts.salt !== undefined) this.a.salt = opts.salt
      this.a.k = opts.k
      this.a.seq = opts.seq
      if (opts.sig !== undefined) this.a.sig = opts.sig
    } else {
      // As the library does: the putter keeps the immutable item and answers gets for it.
      dht._values.set(key.toString('hex'), this.a) // as a dict: the store's readers expect one
    }
    this.wire = opts.encoded !== undefined ? { ...this.a, v: new Bencoded(opts.encoded) } : this.a
  }

  send (node: StoreNode): void {
    const at = `${node.host}:${node.port}`
    if (this.sentTo.has(at)) return
    this.sentTo.add(at)
    // Each node its own `a`: the token is per node, and a query k-rpc queues is encoded later.
    this.dht._rpc.query({ host: node.host, port: node.port }, { q: 'put', a: { ...this.wire, token: node.token } }, err => {
      this.back++
      if (err === null) this.hits++
      else if (isAlready(err)) this.already = err
      this.check()
    })
  }

  close (): void {
    this.closed = true
    this.check()
  }

  private check (): void {
    if (this.answered) return
    const sent = this.sentTo.size
    const need = this.closed ? Math.max(1, Math.min(this.quorum, sent)) : this.quorum
    if (this.hits < need && !(this.closed && this.back === sent)) return
    this.answered = true
    if (sent === 0) this.cb(new Error('No nodes to query'), 0)
    else this.cb(this.hits > 0 ? null : this.already ?? new Error('All queries failed'), this.hits)
  }
}
