// The guarded query handler installed on every engine's DHT (the transport, krpcSocket.ts, counts
// and checks every datagram before this sees a query).
// Order for each incoming query: check types and sizes (guard.ts) → rate-limit puts → answer a
// `get` ourselves when the target is one of our own mutable items or an object the node's store
// holds → verify a salted mutable `put` ourselves (canonical value, once) → store an immutable
// `put` ourselves (its value encoded once) → otherwise hand it to the library. A mutable put the
// library then stores is reported to the engine (a peer's push or an ordinary put of a peer's
// channel). Nothing thrown in here escapes to the UDP socket.
import type DHT from 'bittorrent-dht'
import type { Contact, KrpcMessage } from 'bittorrent-dht'
import type { RemoteInfo } from 'node:dgram'
import { sha256 } from '../chain/crypto.js'
import { bytesEqual, toHex } from '../chain/hex.js'
import { MAX_REPLY_NODES, MAX_VALUE_BYTES } from './constants.js'
import { installFastClosest } from './closest.js'
import { installCompactNodes } from './compactNodes.js'
import { checkQuery } from './guard.js'
import type { RateLimiter } from './ratelimit.js'
import type { DhtStats } from './stats.js'
import type { OwnItems } from './store.js'
import { type CheckedSignature, type VerifiedCache, verifyMutable } from './verify.js'
import { isBytes, mutableTarget } from './wire.js'
import { Bencoded, encodeKrpc } from './krpcEncode.js'
import { memoTokens } from './tokenMemo.js'
import type { StoredPut } from './engine.js'

/** Returns the canonical bytes of a stored immutable object (block, tx, message) by id. */
export type Lookup = (target: Uint8Array) => Uint8Array | undefined

export interface HandlerDeps {
  stats: DhtStats
  own: OwnItems
  limiter: RateLimiter
  lookup: () => Lookup | undefined
  verified: VerifiedCache
  /** A verified mutable put was stored. */
  stored: (item: StoredPut) => void
}

export function installHandler (dht: DHT, deps: HandlerDeps): void {
  const { stats } = deps
  const library = dht._onquery.bind(dht)
  // The library's constructor resolves `self._onquery` at call time, so replacing it works.
  dht._onquery = (msg: KrpcMessage, peer: RemoteInfo): void => {
    try {
      const c = checkQuery(msg)
      if (!c.ok) { stats.drop(c.reason); return }
      const { q, a } = c.query
      stats.query(q)
      if (q === 'put' && !deps.limiter.take(`${peer.address}:${peer.port}`)) { stats.drop('rate_limited'); return }
      if (q === 'get' && answerGet(dht, deps, msg, peer, a.target as Buffer)) return
      if (q === 'put' && isBytes(a.k) && isBytes(a.salt)) { mutablePut(dht, deps, library, msg, peer, a); return }
      if (q === 'put' && a.k === undefined && a.sig === undefined) { immutablePut(dht, library, msg, peer, a); return }
      library(msg, peer)
    } catch {
      stats.traffic.handlerErrors++
    }
  }
  installFastClosest(dht._rpc.nodes) // before capReplyNodes takes the method
  capReplyNodes(dht)
  memoTokens(dht)
  oneContactPerEndpoint(dht)
  installCompactNodes(dht)
}

/** Answers a get for our own mutable items and for objects the node stores; false = not ours. */
function answerGet (dht: DHT, deps: HandlerDeps, msg: KrpcMessage, peer: RemoteInfo, target: Buffer): boolean {
  const own = deps.own.get(target)
  if (own !== undefined) {
    const r = { id: dht._rpc.id, token: dht._generateToken(peer.address), v: own.v, k: own.k, sig: own.sig, seq: own.seq }
    dht._rpc.response(peer, msg, r, dht._rpc.nodes.closest(target, MAX_REPLY_NODES))
    return true
  }
  if (dht._values.peek(toHex(target)) !== undefined) return false // the library answers from its store
  const lookup = deps.lookup()
  if (lookup === undefined) return false
  let bytes: Uint8Array | undefined
  try {
    bytes = lookup(target)
  } catch {
    deps.stats.traffic.handlerErrors++
    return false
  }
  // Never serve bytes that are not the object asked for, whatever the store hands back.
  if (bytes === undefined || !bytesEqual(sha256(bytes), target)) return false
  // The stored bytes go into the answer as they are (Bencoded): the store holds canonical
  // encodings, made by the node's own encoder, and decoding them into a wire value to encode them
  // again was a third of this answer's cost on a serving node during a sync (every item is asked
  // once, so a cache would not help). Only the shape is checked here, a dict within BEP44's
  // limit; the receiver checks the value as any answer (canonical, and hashing to its target).
  if (!looksLikeValue(bytes)) {
    deps.stats.traffic.handlerErrors++ // the store holds something that is not a DHT value: not ours to serve
    return false
  }
  dht._rpc.response(peer, msg, { id: dht._rpc.id, token: dht._generateToken(peer.address), v: new Bencoded(bytes) }, dht._rpc.nodes.closest(target, MAX_REPLY_NODES))
  return true
}

/** A bencoded dict of at most BEP44's MAX_VALUE_BYTES: `d…e`. */
function looksLikeValue (b: Uint8Array): boolean {
  return b.length >= 2 && b.length <= MAX_VALUE_BYTES && b[0] === 0x64 && b[b.length - 1] === 0x65
}

type LibraryHandler = (msg: KrpcMessage, peer: RemoteInfo) => void
const validateToken = (dht: DHT, host: string, token: Buffer): boolean =>
  (dht as unknown as { _validateToken: (h: string, t: Buffer) => boolean })._validateToken(host, token)

/**
 * A salted mutable put (every TAU channel item), handled here whole. The library would check the
 * signature over its own re-encoding of `v` before it looks at seq, and hash k ‖ salt again; here a
 * put that cannot win (seq not above the stored one) is answered 302 without a Schnorr check, the
 * signature is checked once over the canonical value (guard.ts has already bounded every field),
 * and the item is stored under the library's rules (token, CAS, seq; the same stored record), so
 * the library's own get answers serve it. Only a put that is stored is reported, with the
 * canonical bytes that were verified.
 */
function mutablePut (dht: DHT, deps: HandlerDeps, library: LibraryHandler, msg: KrpcMessage, peer: RemoteInfo, a: Record<string, unknown>): void {
  const k = a.k as Buffer; const salt = a.salt as Buffer; const seq = a.seq as number
  if (!validateToken(dht, peer.address, a.token as Buffer)) { library(msg, peer); return } // the library answers 203
  const target = mutableTarget(k, salt)
  const key = toHex(target)
  const early = dht._values.peek(key)
  if (early !== undefined && typeof early.seq === 'number' && !(seq > early.seq) && a.cas === undefined) {
    dht._rpc.error(peer, msg, [302, 'sequence number less than current'])
    return
  }
  dht.emit('put', Buffer.from(target.buffer, target.byteOffset, target.byteLength), a.v)
  let checked: CheckedSignature | undefined
  const c = verifyMutable(a, salt, target, () => { deps.stats.verifies++ }, deps.verified.get(target), x => { checked = x })
  if (!c.ok) { deps.stats.drop(`put_${c.reason}`); return } // no reply, as the library does for a bad signature
  if (checked === undefined) deps.verified.hits++
  const prev = dht._values.get(key)
  if (prev !== undefined && typeof a.cas === 'number' && prev.seq !== a.cas) {
    dht._rpc.error(peer, msg, [301, 'CAS mismatch, re-read and try again'])
    return
  }
  if (prev !== undefined && typeof prev.seq === 'number' && !(seq > prev.seq)) {
    dht._rpc.error(peer, msg, [302, 'sequence number less than current'])
    return
  }
  dht._values.set(key, { v: a.v, k, salt, sig: a.sig as Buffer, seq, id: a.id as Buffer })
  if (checked !== undefined) deps.verified.set(target, checked)
  dht._rpc.response(peer, msg, { id: dht._rpc.id })
  deps.stored({ target, k: new Uint8Array(k), salt: new Uint8Array(salt), seq, value: c.item.value, from: { host: peer.address, port: peer.port } })
}

/**
 * An immutable put (a block, transaction or message a peer stores here), under the library's rules
 * (the token first, then stored under the SHA-256 of v's canonical encoding, the same record) but
 * encoded once by the project's encoder: the library's bencode built a Buffer per item and joined
 * them, on every store a node receives. guard.ts has bounded v; an encode failure is not reachable
 * from the wire and drops the put like any handler error.
 */
function immutablePut (dht: DHT, library: LibraryHandler, msg: KrpcMessage, peer: RemoteInfo, a: Record<string, unknown>): void {
  if (!validateToken(dht, peer.address, a.token as Buffer)) { library(msg, peer); return } // the library answers 203
  const key = Buffer.from(sha256(encodeKrpc(a.v as Record<string, unknown>)))
  dht.emit('put', key, a.v)
  dht._values.set(key.toString('hex'), { v: a.v, id: a.id as Buffer })
  dht._rpc.response(peer, msg, { id: dht._rpc.id })
}

/**
 * The library replies to find_node/get/get_peers with its *whole* routing table (k-bucket
 * closest() with n = Infinity): large UDP replies and reflection amplification. BEP5 says k.
 */
function capReplyNodes (dht: DHT): void {
  const nodes = dht._rpc.nodes
  const closest = nodes.closest.bind(nodes)
  nodes.closest = (id: Uint8Array, n?: number) => closest(id, n ?? MAX_REPLY_NODES)
}

/**
 * k-rpc adds the sender of every query carrying a 32-byte id to the routing table, before any
 * validation, so one socket cycling through random ids could fill the table with entries that all
 * point at it. Keep at most one contact per host:port (a restarted node's new id replaces its old).
 */
function oneContactPerEndpoint (dht: DHT): void {
  const rpc = dht._rpc
  const add = rpc._addNode.bind(rpc)
  rpc._addNode = (node: Contact): void => {
    if (rpc.nodes.get(node.id) === null) {
      for (const c of rpc.nodes.toArray()) {
        if (c.port === node.port && c.host === node.host) rpc.nodes.remove(c.id)
      }
    }
    add(node)
  }
}

/** A node that answered one of our queries with a malformed reply leaves the routing table. */
export function forgetContact (dht: DHT, from: { address: string, port: number }): void {
  for (const c of dht._rpc.nodes.toArray()) {
    if (c.host === from.address && c.port === from.port) dht._rpc.nodes.remove(c.id)
  }
}
