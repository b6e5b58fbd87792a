// Nodes that go silent (every datagram dropped, in and out, as a machine that left the network
// without a word): a quarter of a 64-node network silent after the items were put, and recursive
// gets from live readers still find every item; a query to a silent node ends within the query
// timeout, so no lookup waits on one longer than that.
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { sha256 } from '../../chain/crypto.js'
import { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { Putter } from '../../dht/put.js'
import { TestNet } from '../../dht/testnet.js'
import { settleTables } from '../helpers/dhtTables.js'
import { waitFor } from '../helpers/wait.js'

const NODES = 64
/** A put answers at its quorum of stores; the rest land within ms on loopback, later under load.
 *  The copies count as settled once no count changed for this long. */
const STORES_SETTLED_MS = 500
const enc = new TextEncoder()

describe('dht with silent nodes', function () {
  this.timeout(60_000)
  const extra: DhtEngine[] = []
  let net: TestNet | undefined

  after(async () => {
    await Promise.all(extra.map(async e => await e.stop()))
    await net?.stop()
  })

  it('a quarter of 64 nodes silent: every item put before is still found by recursive gets', async () => {
    net = await TestNet.start(NODES, { keySeed: 'dht-silent' })
    const e = net.engines
    // The engines start side by side, so the first ones' tables miss the later ones: one walk each
    // for its own id first, as a joining node makes, so no reader starts from a table so thin that
    // its nearest entries are silent nodes and it knows no one else to ask (a join, not silence).
    await settleTables(e)
    const owners = [1, 5, 9, 13, 17, 21, 25, 29]
    const items = await Promise.all(owners.map(async (o, j) => {
      const value = encodeCanonical({ silent: enc.encode(`item-${j}`) })
      const putter = new Putter(e[o])
      if (j % 2 === 0) {
        const h = putter.putImmutable(value)
        expect((await h.done).ok, `immutable put ${j}`).to.equal(true)
        return { owner: o, target: h.target, value, salt: undefined }
      }
      const salt = enc.encode(`silent-${j}`)
      const h = putter.putMutable({ salt, value, seq: 3 })
      expect((await h.done).ok, `mutable put ${j}`).to.equal(true)
      return { owner: o, target: h.target, value, salt }
    }))
    // The readers are picked among nodes that hold no copy, so the stores still on their way after
    // each put's quorum must have landed first (a reader given a late copy would answer locally).
    const copies = (): string => items.map(it => e.filter(x => x.storedValue(it.target) !== undefined).length).join()
    let seen = ''; let since = Date.now()
    await waitFor(() => {
      const now = copies()
      if (now !== seen) { seen = now; since = Date.now() }
      return Date.now() - since >= STORES_SETTLED_MS
    }, { timeoutMs: 15_000, intervalMs: 50, what: 'the puts\' remaining stores to land' })
    // Every fourth node goes silent, some owners among them.
    const silent = e.filter((_, i) => i % 4 === 3)
    for (const s of silent) s.blocked.silence(true)
    expect(silent.length).to.equal(NODES / 4)
    const sentBySilent = silent.reduce((a, s) => a + s.stats.traffic.packetsOut, 0)

    const results = await Promise.all(items.map(async (it, j) => {
      // A live reader that is not the owner and holds no copy (else the get would not walk).
      let r = (it.owner + 2 + 3 * j) % NODES
      while (r % 4 === 3 || r === it.owner || e[r].storedValue(it.target) !== undefined) r = (r + 1) % NODES
      const g = new Getter(e[r])
      const t0 = performance.now()
      const got = it.salt === undefined
        ? await g.getImmutable(it.target)
        : await g.getMutable(e[it.owner].keyPair!.publicKey, it.salt)
      return { j, reader: r, path: got?.path, same: got !== null && Buffer.from(got.value).equals(it.value), ms: Math.round(performance.now() - t0) }
    }))
    const held = items.map(it => e.map((x, i) => x.storedValue(it.target) !== undefined ? i : -1).filter(i => i >= 0))
    for (const res of results) {
      const why = `item ${res.j} from node ${res.reader} (${res.ms} ms), held by ${held[res.j].map(i => i % 4 === 3 ? `${i} (silent)` : i).join(', ')}`
      expect(res.path, why).to.equal('recursive')
      expect(res.same, why).to.equal(true)
    }
    // The silent nodes were really asked (and dropped what came): the gets walked past them.
    expect(silent.reduce((a, s) => a + s.stats.traffic.blockedIn, 0)).to.be.greaterThan(0)
    // ... and sent nothing since they went silent.
    expect(silent.reduce((a, s) => a + s.stats.traffic.packetsOut, 0)).to.equal(sentBySilent)
    await net.stop() // before the timing test below: 64 engines keep this event loop busy
    net = undefined
  })

  it('an immutable get returns at its first verified value, not after a silent node it also asked', async () => {
    const timeoutMs = 2500
    const holder = new DhtEngine()
    const mute = new DhtEngine()
    const reader = new DhtEngine({ queryTimeoutMs: timeoutMs })
    extra.push(holder, mute, reader)
    await Promise.all([holder.start(), mute.start(), reader.start()])
    const bytes = encodeCanonical({ held: enc.encode('by one node') })
    const target = sha256(bytes)
    holder.setLookup(t => Buffer.from(t).equals(target) ? bytes : undefined)
    expect(await reader.addNode(holder.endpoint)).to.equal(true)
    expect(await reader.addNode(mute.endpoint)).to.equal(true)
    mute.blocked.silence(true)
    const t0 = performance.now()
    const got = await new Getter(reader).getImmutable(target)
    const ms = performance.now() - t0
    expect(got?.path).to.equal('recursive')
    expect(Buffer.from(got!.value).equals(bytes)).to.equal(true)
    expect(mute.stats.traffic.blockedIn, 'the silent node was asked too').to.be.greaterThan(0)
    // Its query expires after 0.6–0.75 × the timeout; the get must not have waited for that.
    expect(ms, `get took ${ms.toFixed(0)} ms`).to.be.lessThan(timeoutMs / 2)
  })

  it('a lookup whose only contact is silent ends within the query timeout', async () => {
    const timeoutMs = 2500
    const waits: number[] = []
    for (let i = 0; i < 3; i++) {
      const contact = new DhtEngine()
      const reader = new DhtEngine({ queryTimeoutMs: timeoutMs })
      extra.push(contact, reader)
      await contact.start()
      await reader.start()
      expect(await reader.addNode(contact.endpoint)).to.equal(true)
      contact.blocked.silence(true)
      const t0 = performance.now()
      const res = await reader.recursiveGet(sha256(enc.encode(`nothing-${i}`)))
      waits.push(performance.now() - t0)
      expect(res).to.equal(null)
      expect(contact.stats.traffic.blockedIn, 'the query reached the silent node').to.be.greaterThan(0)
      expect(reader.nodeCount(), 'the silent contact left the table').to.equal(0)
    }
    waits.sort((a, b) => a - b)
    // It did wait for the silent node (the query was out) ...
    expect(waits[0]).to.be.greaterThan(0.5 * timeoutMs)
    // ... and not longer than the query timeout (the library alone would expire it after 1–1.25×).
    expect(waits[1], `waits ${waits.map(w => w.toFixed(0)).join(', ')} ms`).to.be.lessThan(timeoutMs)
  })
})
