// The `nodes` field of a get / find_node answer (BEP5 compact node info: id ‖ IPv4 ‖ port, each
// COMPACT_NODE_BYTES), assembled from each contact's encoding, made once and kept beside the
// contact. k-rpc's encodeNodes split every contact's host string and parsed its four parts on every
// answer; a node answers each get and find_node with up to MAX_REPLY_NODES contacts, and a routing
// table's contacts change far less often than they are handed out (3 % of a swarm's CPU in the
// put profile, docs/performance.md).
import type DHT from 'bittorrent-dht'
import type { Contact, KrpcMessage, Peer } from 'bittorrent-dht'
import type { RemoteInfo } from 'node:dgram'
import { COMPACT_NODE_BYTES, ID_BYTES } from './constants.js'
import { encodeEndpoint } from './endpoint.js'

interface Kept { host: string, port: number, bytes: Uint8Array }

/** Contact → its compact form, with the endpoint it was made from (a contact is never rewritten, but checking is cheap). */
const kept = new WeakMap<Contact, Kept>()

/** A contact's compact form, or null where it has none (not a 32-byte id, not IPv4, bad port): left out, as k-rpc did. */
function compactOf (c: Contact): Uint8Array | null {
  const k = kept.get(c)
  if (k !== undefined && k.host === c.host && k.port === c.port) return k.bytes
  if (!(c.id instanceof Uint8Array) || c.id.length !== ID_BYTES) return null
  let endpoint: Uint8Array
  try {
    endpoint = encodeEndpoint({ host: c.host, port: c.port }) // checks the address and the port
  } catch {
    return null
  }
  const bytes = new Uint8Array(COMPACT_NODE_BYTES)
  bytes.set(c.id, 0)
  bytes.set(endpoint, ID_BYTES)
  kept.set(c, { host: c.host, port: c.port, bytes })
  return bytes
}

/** The compact node info of `nodes`, in their order, skipping those that have none. */
export function compactNodes (nodes: readonly Contact[]): Buffer {
  const out = Buffer.allocUnsafe(nodes.length * COMPACT_NODE_BYTES)
  let at = 0
  for (const c of nodes) {
    const b = compactOf(c)
    if (b === null) continue
    out.set(b, at)
    at += COMPACT_NODE_BYTES
  }
  return at === out.length ? out : out.subarray(0, at)
}

type Respond = (peer: RemoteInfo | Peer, query: KrpcMessage, r: Record<string, unknown>, nodes?: Contact[] | null | ((err?: Error | null) => void), cb?: (err?: Error | null) => void) => void

/** Gives the engine's RPC a `response` that encodes `nodes` through the kept forms (k-rpc's contract otherwise unchanged). */
export function installCompactNodes (dht: DHT): void {
  const rpc = dht._rpc
  const respond: Respond = (peer, query, r, nodes, cb) => {
    if (typeof nodes === 'function') { cb = nodes; nodes = null }
    if (r.id === undefined || r.id === null) r.id = rpc.id
    if (nodes !== null && nodes !== undefined) r.nodes = compactNodes(nodes)
    rpc.socket.response(peer, query, r, cb)
  }
  rpc.response = respond
}
