// Per-lookup figures the library does not report: every `get` query one reader engine sends for the
// target it is looking up, when it went out, when (and whether) it was answered, and how deep in the
// lookup its peer was found. Depth 1 is a contact from the reader's own routing table; a contact first
// learnt from a depth-d reply is at depth d + 1. A lookup's hops are the depth of the deepest peer
// that answered (its iterations towards the target); its messages are the queries it sent.
// The engine keeps the library private, so the bench reaches its k-rpc socket through a cast: this
// is measurement only and changes nothing the engine does.
import type DHT from 'bittorrent-dht'
import type { KrpcSocket } from 'bittorrent-dht'
import { COMPACT_NODE_BYTES, ID_BYTES } from '../../../dht/constants.js'
import type { DhtEngine } from '../../../dht/engine.js'

interface Sent { peer: string, depth: number, t0: number, t1?: number, answered: boolean }

export interface LookupFigures {
  messages: number
  hops: number
  /** Queries sent to silent peers, and the longest any of them kept the lookup waiting (ms). */
  silentQueries: number
  maxSilentWaitMs: number
  /** How long each query to a silent peer kept the lookup waiting (ms). */
  silentWaitsMs: number[]
}

export class LookupTrace {
  private target?: Buffer
  private sent: Sent[] = []
  private depthOf = new Map<string, number>()

  constructor (engine: DhtEngine) {
    const dht = (engine as unknown as { dht?: DHT }).dht
    if (dht === undefined) throw new Error('dhtsim: trace needs a started engine')
    const sock: KrpcSocket = dht._rpc.socket
    const query = sock.query.bind(sock)
    sock.query = (peer, msg, cb) => {
      const target = msg.a.target
      if (msg.q !== 'get' || this.target === undefined || !(target instanceof Uint8Array) || !this.target.equals(target)) return query(peer, msg, cb)
      const key = `${peer.host}:${peer.port}`
      const rec: Sent = { peer: key, depth: this.depthOf.get(key) ?? 1, t0: performance.now(), answered: false }
      this.sent.push(rec)
      return query(peer, msg, (err, res, from) => {
        rec.t1 = performance.now()
        const r = res?.r
        if (err === null && r !== undefined) {
          rec.answered = true
          this.learn(r.nodes, rec.depth + 1)
        }
        cb(err, res, from)
      })
    }
  }

  begin (target: Uint8Array): void {
    this.target = Buffer.from(target)
    this.sent = []
    this.depthOf = new Map()
  }

  /** Figures of the lookup begun last; `silent` holds "host:port" of the silent peers. */
  end (silent: ReadonlySet<string>): LookupFigures {
    const endAt = performance.now()
    this.target = undefined
    let hops = 0
    let silentQueries = 0
    let maxSilentWaitMs = 0
    const silentWaitsMs: number[] = []
    for (const s of this.sent) {
      if (s.answered) hops = Math.max(hops, s.depth)
      if (silent.has(s.peer)) {
        silentQueries++
        const waited = Math.min(s.t1 ?? endAt, endAt) - s.t0
        silentWaitsMs.push(waited)
        maxSilentWaitMs = Math.max(maxSilentWaitMs, waited)
      }
    }
    return { messages: this.sent.length, hops, silentQueries, maxSilentWaitMs, silentWaitsMs }
  }

  private learn (nodes: unknown, depth: number): void {
    if (!(nodes instanceof Uint8Array)) return
    for (let i = 0; i + COMPACT_NODE_BYTES <= nodes.length; i += COMPACT_NODE_BYTES) {
      const a = i + ID_BYTES
      const key = `${nodes[a]}.${nodes[a + 1]}.${nodes[a + 2]}.${nodes[a + 3]}:${(nodes[a + 4] << 8) | nodes[a + 5]}`
      if (!this.depthOf.has(key)) this.depthOf.set(key, depth)
    }
  }
}
