// A put's stores overlap its walk (dht/walk.ts onSettled, dht/storeRound.ts): on real UDP engines
// (127.0.0.1, one process, 16 nodes) behind an emulated link (dht/link.ts, so a round trip is long
// enough to order events by), the putter sends its first store while the walk still has queries
// out, stores to each of the k closest exactly once and to no other node, and a walk reports each
// node as settled once, nearest first, only after every nearer candidate has answered.
import type DHT from 'bittorrent-dht'
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { sha256 } from '../../chain/crypto.js'
import { DHT_K, WALK_ALPHA } from '../../dht/constants.js'
import type { DhtEngine } from '../../dht/engine.js'
import { Putter } from '../../dht/put.js'
import { TestNet } from '../../dht/testnet.js'
import { walk, type WalkNode } from '../../dht/walk.js'
import { settleTables } from '../helpers/dhtTables.js'
import { waitFor } from '../helpers/wait.js'

const N = 16
/** One way, every datagram: a round trip is 2 × this (the walk needs two rounds: alpha < k). */
const LINK_MS = 25
/** ± this on each datagram: answers come back out of the order they were asked in. */
const JITTER_MS = 20
/** Puts in the overlap test (see there for why more than one). */
const OVERLAP_PUTS = 6
const libOf = (e: DhtEngine): DHT => (e as unknown as { dht: DHT }).dht
const object = (tag: string): Uint8Array => encodeCanonical({ b: new TextEncoder().encode(tag), z: new Uint8Array(64).fill(3) })

/** One query of the putter's; `target` (hex) is a get's, so a late answer to an earlier walk is told apart. */
interface Event { at: number, q: string, to: string, kind: 'sent' | 'back', target?: string }

/** Records the putter's own queries: when each was sent and when its answer came back. */
function recordQueries (dht: DHT): Event[] {
  const events: Event[] = []
  const rpc = dht._rpc
  const query = rpc.query.bind(rpc)
  const wrapped: typeof rpc.query = (peer, msg, cb) => {
    const to = `${peer.host}:${peer.port}`
    const t = msg.a?.target
    const target = t instanceof Uint8Array ? Buffer.from(t).toString('hex') : undefined
    events.push({ at: performance.now(), q: msg.q, to, kind: 'sent', target })
    query(peer, msg, (err, res, from) => {
      events.push({ at: performance.now(), q: msg.q, to, kind: 'back', target })
      cb(err, res, from)
    })
  }
  rpc.query = wrapped
  return events
}

describe('dht put: stores overlap the walk (settled nodes)', function () {
  this.timeout(60_000)
  let net: TestNet
  let e: DhtEngine[]

  before(async () => {
    net = await TestNet.start(N, { keySeed: 'dht-put-overlap', engine: { link: { latencyMs: LINK_MS, jitterMs: JITTER_MS, lossPct: 0 } } })
    e = net.engines
    await settleTables(e, 30_000)
  })

  after(async () => { await net?.stop() })

  it('sends the first store while the walk still waits for answers, and stores to each of the k closest once', async () => {
    const putter = e[3]
    const events = recordQueries(libOf(putter))
    // A store can only precede the walk's last answer when the nearest node is not itself the last
    // to answer: with a routing table that lacks it, the walk may find it late and ask it last. So
    // several puts, each checked for its stores, and the overlap asked of at least one of them
    // (before the overlap, none of them had it).
    let overlapped = 0
    for (let i = 0; i < OVERLAP_PUTS; i++) {
      events.length = 0
      const bytes = object(`overlap-${i}`)
      const out = await new Putter(putter).putImmutable(bytes).done
      expect(out.ok).to.equal(true)
      const target = sha256(bytes)
      await waitFor(() => e.filter(x => x !== putter && x.storedValue(target) !== undefined).length >= DHT_K, { timeoutMs: 10_000, what: 'every closest node stored' })
      // This put's walk only: a query an earlier walk left out (to a node outside its k) may answer now.
      const gets = events.filter(x => x.q === 'get' && x.target === Buffer.from(target).toString('hex'))
      const puts = events.filter(x => x.q === 'put' && x.kind === 'sent')
      expect(gets.filter(x => x.kind === 'sent').length, 'two rounds of gets').to.be.above(WALK_ALPHA)
      const lastGetBack = Math.max(...gets.filter(x => x.kind === 'back').map(x => x.at))
      const firstPut = Math.min(...puts.map(x => x.at))
      if (firstPut < lastGetBack) overlapped++
      // A walk settles only nodes it has converged to: here, in a net of 16, the k closest.
      const holders = new Set(e.filter(x => x !== putter && x.storedValue(target) !== undefined).map(x => `${x.endpoint.host}:${x.endpoint.port}`))
      expect(puts.map(x => x.to).sort()).to.deep.equal([...holders].sort())
      expect(puts).to.have.length(DHT_K)
    }
    expect(overlapped, `puts whose first store left before the walk's last answer, of ${OVERLAP_PUTS}`).to.be.at.least(1)
  })

  it('reports each node settled once, nearest first, and only once every nearer node has answered', async () => {
    const walker = e[5]
    const dht = libOf(walker)
    const events = recordQueries(dht)
    const target = Buffer.from(sha256(new TextEncoder().encode('settled-order')))
    const dist = (x: DhtEngine): Buffer => Buffer.from(x.nodeId.map((b, i) => b ^ target[i]))
    const ep = (x: DhtEngine): string => `${x.endpoint.host}:${x.endpoint.port}`
    const settled: WalkNode[] = []
    const nearerNotAnswered: string[] = []
    const closest = await new Promise<WalkNode[]>(resolve => {
      walk(dht, {
        target,
        message: { q: 'get', a: { id: dht._rpc.id, target } },
        alpha: WALK_ALPHA,
        maxQueries: 64,
        onSettled: n => {
          settled.push(n)
          // Each node nearer than n (the walk finds them all in a net of 16) must have answered by now.
          const back = new Set(events.filter(x => x.kind === 'back').map(x => x.to))
          for (const x of e) if (x !== walker && Buffer.compare(dist(x), n.dist) < 0 && !back.has(ep(x))) nearerNotAnswered.push(`${ep(x)} before ${n.host}:${n.port}`)
        },
        done: c => { resolve(c) }
      })
    })
    expect(nearerNotAnswered).to.deep.equal([])
    expect(settled).to.have.length(DHT_K)
    expect(new Set(settled).size).to.equal(settled.length)
    for (let i = 1; i < settled.length; i++) expect(Buffer.compare(settled[i - 1].dist, settled[i].dist)).to.equal(-1)
    expect(settled.map(n => n.port)).to.deep.equal(closest.map(n => n.port))
  })
})
