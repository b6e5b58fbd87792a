// A recursive BEP44 put (PROTOCOL §9, "put and forget"): the engine's own walk (walk.ts) collects
// write tokens from the k closest nodes, then a store goes to each of them that gave one. The
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
import { walk } from './walk.js'

export type PutCallback = (err: (Error & { code?: unknown }) | null, stored: number) => void

/** A node to store to: its endpoint and the write token it gave us. */
interface StoreNode { host: string, port: number, token: Buffer }
interface Table { nodes: StoreNode[], atMs: number }

/** Per engine: recent put targets (hex) → the k closest nodes that gave tokens. */
const tables = new WeakMap<DHT, Lru<string, Table>>()

/** The BEP44 target of a put: SHA-256 of k ‖ salt (mutable) or of the bencoded value (immutable). */
function targetOf (opts: PutOpts): Buffer {
  if (opts.k !== undefined) return Buffer.from(sha256(opts.salt !== undefined ? Buffer.concat([opts.k, opts.salt]) : opts.k))
  return Buffer.from(sha256(bencode.encode(opts.v)))
}

/** Runs one recursive put; `cb` runs exactly once (see the module comment for when). */
export function recursivePut (dht: DHT, opts: PutOpts, cb: PutCallback, quorum = PUT_STORE_QUORUM, alpha = WALK_ALPHA): Buffer {
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
    store(dht, key, opts, kept.nodes, (err, n) => {
      // Every kept node gone: the next put walks again.
      if (n === 0 && !isAlready(err)) cache.delete(hex)
      cb(err, n)
    }, quorum)
    return key
  }
  walk(dht, {
    target: key,
    message: { q: 'get', a: { id: dht._rpc.id, target: key } },
    alpha,
    maxQueries: PUT_LOOKUP_MAX_QUERIES,
    done: closest => {
      if (dht.destroyed) return // the engine settles the caller when it stops
      const nodes: StoreNode[] = []
      for (const n of closest) if (n.token !== undefined) nodes.push({ host: n.host, port: n.port, token: n.token })
      if (nodes.length > 0) cache.set(hex, { nodes, atMs: performance.now() })
      else cache.delete(hex)
      store(dht, key, opts, nodes, cb, quorum)
    }
  })
  return key
}

function isAlready (err: (Error & { code?: unknown }) | null): boolean {
  return err !== null && typeof err.code === 'number' && err.code >= 300 && err.code < 400
}

function store (dht: DHT, key: Buffer, opts: PutOpts, nodes: StoreNode[], cb: PutCallback, quorum: number): void {
  const a: Record<string, unknown> & { v: unknown } = { id: dht._rpc.id, v: opts.v }
  if (opts.k !== undefined) {
    if (typeof opts.cas === 'number') a.cas = opts.cas
    if (opts.salt !== undefined) a.salt = opts.salt
    a.k = opts.k
    a.seq = opts.seq
    if (opts.sig !== undefined) a.sig = opts.sig
  } else {
    // As the library does: the putter keeps the immutable item and answers gets for it.
    dht._values.set(key.toString('hex'), a)
  }
  if (nodes.length === 0) {
    cb(new Error('No nodes to query'), 0)
    return
  }
  const need = Math.max(1, Math.min(quorum, nodes.length))
  let missing = nodes.length
  let hits = 0
  let already: (Error & { code?: unknown }) | null = null
  let answered = false
  for (const node of nodes) {
    // Each node its own `a`: the token is per node, and a query k-rpc queues is encoded later.
    dht._rpc.query({ host: node.host, port: node.port }, { q: 'put', a: { ...a, token: node.token } }, err => {
      missing--
      if (err === null) hits++
      else if (isAlready(err)) already = err
      if (answered || (hits < need && missing > 0)) return
      answered = true
      cb(hits > 0 ? null : already ?? new Error('All queries failed'), hits)
    })
  }
}
