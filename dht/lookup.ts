// Recursive immutable get (BEP44 `get`, iterative Kademlia walk: walk.ts) that answers at the
// first good answer. bittorrent-dht's walk asks the k closest nodes it knows all at once and calls
// back only after every query in flight has come back or timed out: for an item the nearest holder
// already returned, that is k queries for the answering nodes to handle and the slowest of k
// replies (a whole query timeout when one of them is silent). Here at most IMMUTABLE_LOOKUP_ALPHA
// queries are in flight and the caller is answered by the first reply whose `v` checks as Getter
// checks it (canonical dict whose SHA-256 is the target); queries still in flight then end on their
// own. Without such a reply the walk ends when the k closest candidates known have all answered
// or failed; the node's own stored copy is the fallback, as in the library's get with `cache: false`.
import type DHT from 'bittorrent-dht'
import type { GetResult } from 'bittorrent-dht'
import { IMMUTABLE_LOOKUP_ALPHA, IMMUTABLE_LOOKUP_MAX_QUERIES } from './constants.js'
import { verifyImmutable } from './verify.js'
import { walk } from './walk.js'

/**
 * Walks towards `target`; `done` runs once: with the first answer whose `v` checks, else (walk
 * over) with the node's own stored copy if it has one, else null.
 */
export function firstImmutable (dht: DHT, target: Uint8Array, done: (res: GetResult | null) => void, alpha = IMMUTABLE_LOOKUP_ALPHA): void {
  const key = Buffer.from(target)
  let found: GetResult | null = null
  walk(dht, {
    target: key,
    message: { q: 'get', a: { id: dht._rpc.id, target: key } },
    alpha,
    maxQueries: IMMUTABLE_LOOKUP_MAX_QUERIES,
    onReply: (_n, r) => {
      if (r.v === undefined || !verifyImmutable(r.v, target).ok) return false
      found = { v: r.v, id: Buffer.isBuffer(r.id) ? r.id : undefined }
      return true
    },
    done: () => {
      if (found !== null) return done(found)
      const own = dht._values.get(key.toString('hex'))
      done(own === undefined ? null : { v: own.v, id: own.id })
    }
  })
}
