// The iterative Kademlia walk the engine's own lookups share (immutable get: lookup.ts, mutable
// get: lookupMutable.ts, the put's token lookup: storeRound.ts). bittorrent-dht's walk (k-rpc's
// `closest`) asks the k closest nodes it knows all at once, re-sorts its table on every reply and
// calls back only after every query in flight has ended, so one silent node anywhere in the walk
// holds the caller for a whole query timeout. Here:
//   - at most `alpha` queries are in flight; the closest unasked candidate goes next; a query
//     out longer than the walk's slow time (a few of its round trips) stops counting, and the
//     next candidate is asked beside it (libtorrent's short timeout), so silent nodes met one
//     after another are waited for side by side, not in turn;
//   - candidates stay in one array sorted by XOR distance (a binary insertion per new contact);
//   - the walk ends when the k closest candidates that have not failed have all answered (or
//     when nothing is left to ask, or the per-walk query cap is spent): a query still out to a
//     node outside those k is not waited for, and a silent node inside them costs at most its
//     query timeout (the transport expires every query);
//   - each reply's contacts and write token are taken in one pass, and the caller's `onReply`
//     sees the reply dict (true ends the walk at once: the immutable get's first good answer);
//   - a node that answered with every nearer candidate answered too is "settled" (`onSettled`):
//     the put stores to it then, while the walk goes on, instead of after the walk's last reply.
// Replies feed the routing table through k-rpc (its `query`), and a node that timed out leaves it,
// as k-rpc's own walk does. A routing table smaller than the bootstrap list adds the bootstrap peers.
// A walk starts from 2k of the table's nodes (WALK_START_CANDIDATES_PER_K), so the k nearest being
// silent does not end it with nothing to ask.
import type DHT from 'bittorrent-dht'
import type { KrpcMessage } from 'bittorrent-dht'
import { COMPACT_NODE_BYTES, ID_BYTES, MAX_TOKEN_BYTES, WALK_SLOW_MIN_MS, WALK_SLOW_MS, WALK_SLOW_RTT_FACTOR, WALK_START_CANDIDATES_PER_K } from './constants.js'
import { isBytesMax, isBytesOf } from './wire.js'

/** A node the walk knows of. `id` undefined: a bootstrap peer, known by endpoint only. */
export interface WalkNode {
  id?: Buffer
  host: string
  port: number
  /** XOR distance to the target (all 0xff for a bootstrap peer: asked after every node with an id). */
  dist: Buffer
  state: 'new' | 'asked' | 'answered' | 'failed'
  /** Asked more than the walk's slow time ago and not answered yet (see WalkSpec.slowMs). */
  slow?: boolean
  /** When it was asked (performance.now()). */
  askedAt?: number
  /** The write token from its reply, if it gave one. */
  token?: Buffer
  /** Reported to WalkSpec.onSettled already. */
  settled?: boolean
}

export interface WalkSpec {
  target: Buffer
  /** The query sent to every node (shared: never mutated here). */
  message: { q: string, a: Record<string, unknown> }
  alpha: number
  maxQueries: number
  /** A query out this long stops counting against alpha, and the next candidate is asked beside
   *  it; the walk still waits for its answer or its timeout before it ends. Fixed when given;
   *  default: WALK_SLOW_RTT_FACTOR × the slowest answer of this walk so far, within
   *  [WALK_SLOW_MIN_MS, WALK_SLOW_MS] (WALK_SLOW_MS before the first answer). */
  slowMs?: number
  /** Runs once per node, as soon as it has answered and every nearer candidate the walk knows has
   *  answered too (or failed): the walk has converged up to it. Such a node ends among the k
   *  closest unless a reply still out names more than k nearer ones (a put stores to it at once). */
  onSettled?: (node: WalkNode) => void
  /** Sees every reply dict of a walk still running; true ends the walk now. */
  onReply?: (node: WalkNode, r: Record<string, unknown>) => boolean
  /** Runs once, when the walk ends; `closest`: the nodes that answered, nearest first (at most k). */
  done: (closest: WalkNode[], stats: WalkStats) => void
}

export interface WalkStats { sent: number, answered: number, failed: number }

interface Bootstrap { bootstrap: Array<{ host: string, port: number }> }

const FARTHEST = Buffer.alloc(ID_BYTES, 0xff)
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** An endpoint as one number (IPv4 address × 65536 + port: 48 bits, exact in a double), so a
 *  contact a reply repeats is recognised from its compact bytes without building a host string;
 *  a host that is not an IPv4 literal (a bootstrap name) keys as "host:port". */
function hostKey (host: string, port: number): number | string {
  const m = IPV4.exec(host)
  if (m === null) return `${host}:${port}`
  return (((Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3])) * 256 + Number(m[4])) * 65536 + port
}

function compactKey (b: Buffer, at: number): number {
  return (((b[at] * 256 + b[at + 1]) * 256 + b[at + 2]) * 256 + b[at + 3]) * 65536 + b[at + 4] * 256 + b[at + 5]
}

/** XOR distance of two equal-length ids; compared bytewise (Buffer.compare). */
export function distance (a: Uint8Array, b: Uint8Array): Buffer {
  const d = Buffer.allocUnsafe(a.length)
  for (let i = 0; i < a.length; i++) d[i] = a[i] ^ b[i]
  return d
}

/** Starts a walk towards `spec.target`; `spec.done` runs exactly once. */
export function walk (dht: DHT, spec: WalkSpec): void {
  const rpc = dht._rpc
  const { target, alpha, maxQueries } = spec
  const self = rpc.id
  const k = rpc.k
  const known = new Set<number | string>()
  const order: WalkNode[] = [] // nearest first
  const stats: WalkStats = { sent: 0, answered: 0, failed: 0 }
  const adaptive = spec.slowMs === undefined
  let slowMs = spec.slowMs ?? WALK_SLOW_MS
  let slowestRtt = 0
  let inflight = 0 // queries out, the slow ones not counted (alpha bounds this)
  let outstanding = 0 // every query out
  let over = false

  const insert = (n: WalkNode): void => {
    let lo = 0
    let hi = order.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (Buffer.compare(order[mid].dist, n.dist) <= 0) lo = mid + 1
      else hi = mid
    }
    order.splice(lo, 0, n)
  }
  const add = (key: number | string, id: Buffer | undefined, host: string, port: number): void => {
    if (known.has(key) || id?.equals(self) === true) return
    known.add(key)
    insert({ id, host, port, dist: id === undefined ? FARTHEST : distance(id, target), state: 'new' })
  }
  const finish = (): void => {
    if (over) return
    over = true
    const closest: WalkNode[] = []
    for (const n of order) {
      if (closest.length >= k) break
      if (n.state === 'answered') closest.push(n)
    }
    spec.done(closest, stats)
  }
  const kick = (): void => {
    if (over) return
    // Two windows over the candidates that have not failed, nearest first: the k nearest must all
    // have answered for the walk to end; the k nearest that are not slow are the ones asked. A slow
    // node stays in the first and leaves the second, so the next candidate is asked beside it: two
    // silent nodes in a row cost one query timeout, not two.
    let endSeen = 0
    let askSeen = 0
    let waiting = false
    for (let i = 0; i < order.length && (endSeen < k || askSeen < k); i++) {
      const n = order[i]
      if (n.state === 'failed') continue
      if (endSeen < k) {
        endSeen++
        if (n.state !== 'answered') waiting = true
        else if (!waiting && n.settled !== true && spec.onSettled !== undefined) {
          n.settled = true
          spec.onSettled(n)
        }
      }
      if (n.slow === true || askSeen >= k) continue
      askSeen++
      if (n.state !== 'new' || inflight >= alpha || stats.sent >= maxQueries) continue
      ask(n)
    }
    if (!waiting || outstanding === 0) finish()
  }
  const ask = (n: WalkNode): void => {
    n.state = 'asked'
    n.askedAt = performance.now()
    inflight++
    outstanding++
    stats.sent++
    const timer = setTimeout(() => {
      if (n.state !== 'asked' || n.slow === true) return
      n.slow = true
      inflight--
      kick()
    }, slowMs)
    timer.unref()
    rpc.query({ host: n.host, port: n.port }, spec.message, (err, res) => {
      clearTimeout(timer)
      onReply(n, err, res)
    })
  }
  /** An answer's round trip sets the slow time; queries already out longer than it turn slow now. */
  const learnRtt = (answered: WalkNode): void => {
    const now = performance.now()
    slowestRtt = Math.max(slowestRtt, now - (answered.askedAt ?? now))
    slowMs = Math.min(WALK_SLOW_MS, Math.max(WALK_SLOW_MIN_MS, WALK_SLOW_RTT_FACTOR * slowestRtt))
    for (const n of order) {
      if (n.state === 'asked' && n.slow !== true && now - (n.askedAt ?? now) >= slowMs) {
        n.slow = true
        inflight--
      }
    }
  }
  const onReply = (n: WalkNode, err: (Error & { code?: unknown }) | null, res: KrpcMessage | null): void => {
    if (n.slow !== true) inflight--
    outstanding--
    // As k-rpc's own walk does: a node that timed out leaves the routing table.
    if (n.id !== undefined && err !== null && (err.code === 'ETIMEDOUT' || err.code === 'EUNEXPECTEDNODE') && rpc.nodes.get(n.id) !== null) rpc.nodes.remove(n.id)
    const r = err === null ? res?.r : undefined
    if (r === undefined || r === null || typeof r !== 'object') {
      n.state = 'failed'
      stats.failed++
      kick()
      return
    }
    n.state = 'answered'
    stats.answered++
    if (over) return
    if (adaptive) learnRtt(n)
    if (n.id === undefined && isBytesOf(r.id, ID_BYTES) && !r.id.equals(self)) {
      // A bootstrap peer told us its id: it takes its place by distance.
      order.splice(order.indexOf(n), 1)
      n.id = Buffer.from(r.id)
      n.dist = distance(n.id, target)
      insert(n)
    }
    if (isBytesMax(r.token, MAX_TOKEN_BYTES) && r.token.length > 0) n.token = r.token
    const nodes = r.nodes
    if (Buffer.isBuffer(nodes)) {
      for (let i = 0; i + COMPACT_NODE_BYTES <= nodes.length; i += COMPACT_NODE_BYTES) {
        const at = i + ID_BYTES
        const port = nodes[at + 4] * 256 + nodes[at + 5]
        const key = compactKey(nodes, at)
        if (port === 0 || known.has(key)) continue // port 0: not a node to ask
        add(key, Buffer.from(nodes.subarray(i, at)), `${nodes[at]}.${nodes[at + 1]}.${nodes[at + 2]}.${nodes[at + 3]}`, port)
      }
    }
    if (spec.onReply?.(n, r as Record<string, unknown>) === true) { finish(); return }
    kick()
  }

  const start = rpc.nodes.closest(target, k * WALK_START_CANDIDATES_PER_K)
  for (const c of start) add(hostKey(c.host, c.port), c.id, c.host, c.port)
  // As k-rpc's walk does: a table smaller than the bootstrap list asks the bootstrap peers too,
  // so a node whose table has emptied finds its way back in through any lookup.
  const boot = (rpc as unknown as Bootstrap).bootstrap ?? []
  if (start.length < boot.length || start.length === 0) for (const b of boot) add(hostKey(b.host, b.port), undefined, b.host, b.port)
  kick()
}
