// The immutable get's own walk (dht/lookup.ts) on real UDP engines (127.0.0.1, one process):
// answered by the first holder with at most alpha queries out, null after asking the closest
// nodes when nobody holds the item, the node's own copy as the fallback, the bootstrap peers when
// the routing table has emptied, and silent nodes among the first asked cost no query timeout.
import type DHT from 'bittorrent-dht'
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { sha256 } from '../../chain/crypto.js'
import { DHT_K, IMMUTABLE_LOOKUP_ALPHA, QUERY_TIMEOUT_MS } from '../../dht/constants.js'
import type { DhtEngine } from '../../dht/engine.js'
import { Putter } from '../../dht/put.js'
import { TestNet } from '../../dht/testnet.js'
import { verifyImmutable } from '../../dht/verify.js'
import { settleTables } from '../helpers/dhtTables.js'

const N = 12
const enc = new TextEncoder()
const object = (tag: string): Uint8Array => encodeCanonical({ b: enc.encode(tag), z: new Uint8Array(100).fill(3) })

describe('dht immutable lookup (first good answer, bounded walk)', function () {
  this.timeout(30_000)
  let net: TestNet
  let e: DhtEngine[]

  before(async () => {
    net = await TestNet.start(N, { keySeed: 'dht-lookup-test' })
    e = net.engines
    await settleTables(e, 10_000)
  })

  after(async () => { await net?.stop() })

  const sends = (x: DhtEngine): number => x.stats.traffic.packetsOut

  it('answers from the first holder, with fewer queries sent than the k the library would ask at once', async () => {
    const bytes = object('first')
    const put = await new Putter(e[0]).putImmutable(bytes).done
    expect(put.ok, 'put stored').to.equal(true)
    expect(put.nodes).to.be.at.least(IMMUTABLE_LOOKUP_ALPHA)
    const target = sha256(bytes)
    // A reader that does not hold the item (the put went to the k closest of 12).
    const reader = e.find(x => x !== e[0] && x.storedValue(target) === undefined)
    expect(reader, 'a node without a copy').to.not.equal(undefined)
    const before = sends(reader!)
    const res = await reader!.recursiveGet(target)
    const sent = sends(reader!) - before
    expect(res).to.not.equal(null)
    const c = verifyImmutable(res!.v, target)
    expect(c.ok && Buffer.from(c.item).equals(bytes)).to.equal(true)
    expect(sent, 'queries sent by the reader').to.be.at.least(1).and.below(DHT_K)
  })

  it('finds nothing for a target nobody holds: null, after asking at least the k closest', async () => {
    const target = sha256(enc.encode('nobody-has-this'))
    const before = sends(e[3])
    const t0 = performance.now()
    const res = await e[3].recursiveGet(target)
    expect(res).to.equal(null)
    expect(sends(e[3]) - before).to.be.at.least(DHT_K)
    expect(performance.now() - t0, 'no node is silent: no query timeout').to.be.below(QUERY_TIMEOUT_MS)
  })

  it('falls back to the node\'s own stored copy when the walk finds none elsewhere', async () => {
    const bytes = object('own-copy')
    const holder = e[5]
    // Cut the holder off from everyone, so the put stores only its local copy and the walk hears nobody.
    holder.blocked.replace(e.filter(x => x !== holder).map(x => x.endpoint))
    try {
      await new Putter(holder).putImmutable(bytes).done
      const target = sha256(bytes)
      expect(holder.storedValue(target), 'the putter keeps its immutable item').to.not.equal(undefined)
      const res = await holder.recursiveGet(target)
      expect(res).to.not.equal(null)
      const c = verifyImmutable(res!.v, target)
      expect(c.ok && Buffer.from(c.item).equals(bytes)).to.equal(true)
    } finally {
      holder.blocked.replace([])
    }
  })

  it('a node whose routing table has emptied finds the item through its bootstrap peers', async () => {
    const bytes = object('rejoin')
    expect((await new Putter(e[4]).putImmutable(bytes).done).ok).to.equal(true)
    const target = sha256(bytes)
    // A new node bootstrapped through node 0 whose table is then emptied (as after a long outage).
    const lone = await net.add([e[0].endpoint])
    const table = (lone as unknown as { dht: DHT }).dht._rpc.nodes
    for (const c of table.toArray()) table.remove(c.id)
    expect(lone.nodeCount()).to.equal(0)
    const res = await lone.recursiveGet(target)
    expect(res, 'found through the bootstrap peer').to.not.equal(null)
    expect(verifyImmutable(res!.v, target).ok).to.equal(true)
    expect(lone.nodeCount(), 'the walk refilled the table').to.be.greaterThan(0)
  })

  it('silent nodes among the closest do not hold the answer up for a query timeout', async () => {
    const bytes = object('silent')
    expect((await new Putter(e[1]).putImmutable(bytes).done).ok).to.equal(true)
    const target = sha256(bytes)
    const reader = e[2]
    // The two nodes nearest the target (the first the reader asks, if it knows them) stop answering it.
    const nearest = e.filter(x => x !== reader).sort((a, b) => Buffer.compare(xor(a.nodeId, target), xor(b.nodeId, target))).slice(0, 2)
    for (const x of nearest) x.blocked.replace([reader.endpoint])
    try {
      const t0 = performance.now()
      const res = await reader.recursiveGet(target)
      const ms = performance.now() - t0
      expect(res).to.not.equal(null)
      expect(verifyImmutable(res!.v, target).ok).to.equal(true)
      expect(ms, 'answered by another holder').to.be.below(QUERY_TIMEOUT_MS)
    } finally {
      for (const x of nearest) x.blocked.replace([])
    }
  })
})

function xor (a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i]
  return out
}
