// Recursive immutable get (BEP44 `get`, iterative Kademlia walk) that answers at the first good
// answer. bittorrent-dht's walk asks the k closest nodes it knows all at once and calls back only
// after every query in flight has come back or timed out: for an item the nearest holder already
// returned, that is k queries for the answering nodes to handle and the slowest of k replies (a
// whole query timeout when one of them is silent). Here at most IMMUTABLE_LOOKUP_ALPHA queries
// are in flight, the closest unasked candidate goes next, and the caller is answered by the first
// reply whose `v` checks as Getter checks it (canonical dict whose SHA-256 is the target); queries
// still in flight then end on their own. Without such a reply the walk ends when the k closest
// candidates known have all answered or failed; the node's own stored copy is the fallback, as in
// the library's get with `cache: false`. Replies feed the routing table through k-rpc as usual.
// A routing table smaller than the bootstrap list adds the bootstrap peers, as k-rpc's walk does.
import type DHT from 'bittorrent-dht'
import type { GetResult, KrpcMessage } from 'bittorrent-dht'
import { COMPACT_NODE_BYTES, ID_BYTES, IMMUTABLE_LOOKUP_ALPHA, IMMUTABLE_LOOKUP_MAX_QUERIES } from './constants.js'
import { decodeEndpoint, type Endpoint } from './endpoint.js'
import { verifyImmutable } from './verify.js'

/** `id` undefined: a bootstrap peer, known by endpoint only (asked after every node with an id). */
interface Candidate { id?: Buffer, host: string, port: number, dist: Buffer, state: 'new' | 'asked' | 'done' }
interface Bootstrap { bootstrap: Array<{ host: string, port: number }> }

const FARTHEST = Buffer.alloc(32, 0xff)

/** XOR distance of two equal-length ids; compared bytewise (Buffer.compare). */
function distance (a: Buffer, b: Uint8Array): Buffer {
  const d = Buffer.allocUnsafe(a.length)
  for (let i = 0; i < a.length; i++) d[i] = a[i] ^ b[i]
  return d
}

/**
 * Walks towards `target`; `done` runs once: with the first answer whose `v` checks, else (walk
 * over) with the node's own stored copy if it has one, else null.
 */
export function firstImmutable (dht: DHT, target: Uint8Array, done: (res: GetResult | null) => void, alpha = IMMUTABLE_LOOKUP_ALPHA): void {
  const rpc = dht._rpc
  const key = Buffer.from(target)
  const self = rpc.id
  const k = rpc.k
  const known = new Map<string, Candidate>()
  let sorted: Candidate[] = []
  let inflight = 0
  let sent = 0
  let answered = false

  const add = (id: Buffer | undefined, host: string, port: number): void => {
    const ep = `${host}:${port}`
    if (id?.equals(self) === true || known.has(ep)) return
    known.set(ep, { id, host, port, dist: id === undefined ? FARTHEST : distance(id, key), state: 'new' })
    sorted = [] // re-sorted on the next kick
  }
  const finish = (res: GetResult | null): void => {
    if (answered) return
    answered = true
    done(res)
  }
  const kick = (): void => {
    if (answered) return
    if (sorted.length !== known.size) sorted = [...known.values()].sort((a, b) => Buffer.compare(a.dist, b.dist))
    // Only the k closest known count: the walk is over when none of them is left to ask or waited for.
    const closest = sorted.slice(0, k)
    for (const c of closest) {
      if (inflight >= alpha || sent >= IMMUTABLE_LOOKUP_MAX_QUERIES) break
      if (c.state !== 'new') continue
      c.state = 'asked'
      inflight++
      sent++
      rpc.query({ host: c.host, port: c.port }, { q: 'get', a: { id: self, target: key } }, (err, res) => onReply(c, err, res))
    }
    if (inflight === 0) {
      const own = dht._values.get(key.toString('hex'))
      finish(own === undefined ? null : { v: own.v, id: own.id })
    }
  }
  const onReply = (c: Candidate, err: (Error & { code?: unknown }) | null, res: KrpcMessage | null): void => {
    inflight--
    c.state = 'done'
    // As k-rpc's own walk does: a node that timed out leaves the routing table.
    if (c.id !== undefined && err !== null && (err.code === 'ETIMEDOUT' || err.code === 'EUNEXPECTEDNODE') && rpc.nodes.get(c.id) !== null) rpc.nodes.remove(c.id)
    const r = err === null ? res?.r : undefined
    if (r !== undefined && !answered) {
      if (r.v !== undefined && verifyImmutable(r.v, target).ok) return finish({ v: r.v, id: Buffer.isBuffer(r.id) ? r.id : undefined })
      const nodes = r.nodes
      if (Buffer.isBuffer(nodes)) {
        for (let i = 0; i + COMPACT_NODE_BYTES <= nodes.length; i += COMPACT_NODE_BYTES) {
          let ep: Endpoint
          try {
            ep = decodeEndpoint(nodes.subarray(i + ID_BYTES, i + COMPACT_NODE_BYTES))
          } catch {
            continue // port 0: not a node to ask
          }
          add(Buffer.from(nodes.subarray(i, i + ID_BYTES)), ep.host, ep.port)
        }
      }
    }
    kick()
  }

  const start = rpc.nodes.closest(key, k)
  for (const c of start) add(c.id, c.host, c.port)
  // As k-rpc's walk does: a table smaller than the bootstrap list asks the bootstrap peers too,
  // so a node whose table has emptied finds its way back in through any lookup.
  const boot = (rpc as unknown as Bootstrap).bootstrap ?? []
  if (start.length < boot.length || start.length === 0) for (const b of boot) add(undefined, b.host, b.port)
  kick()
}
