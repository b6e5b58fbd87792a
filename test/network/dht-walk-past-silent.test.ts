// A walk whose k nearest known nodes are all silent (dht/walk.ts, WALK_START_CANDIDATES_PER_K):
// real engines on 127.0.0.1 with fixed ids, so the reader's routing table is known exactly. The
// eight nodes nearest the target fill one bucket of the reader's table and are silenced; the one
// node holding the item sits in another bucket, farther from the target. The reader still finds
// the item: its walk goes on to the next node it knows instead of ending with nothing to ask.
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { sha256 } from '../../chain/crypto.js'
import { DHT_K } from '../../dht/constants.js'
import { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'

/** A 32-byte id: `first` as its first byte, `second` as its second, zeros after. */
const id = (first: number, second = 0): Uint8Array => { const b = new Uint8Array(32); b[0] = first; b[1] = second; return b }

describe('dht walk past silent nodes (the k nearest known all silent)', function () {
  this.timeout(60_000)
  const engines: DhtEngine[] = []

  after(async () => { await Promise.all(engines.map(async e => await e.stop())) })

  it('an immutable get finds the item on a farther node of the reader\'s table', async () => {
    const queryTimeoutMs = 1000
    // The reader at 0x00…: every id starting with bit 1 shares one bucket of its table (k entries).
    const reader = new DhtEngine({ nodeId: id(0x00), queryTimeoutMs })
    const mutes = Array.from({ length: DHT_K }, (_, i) => new DhtEngine({ nodeId: id(0xc0, i) }))
    const holder = new DhtEngine({ nodeId: id(0x40) }) // first bit 0: another bucket, farther from the target
    engines.push(reader, ...mutes, holder)
    await Promise.all(engines.map(async e => await e.start()))
    // The target shares the mutes' first byte: they are the k nearest nodes to it in the table.
    let bytes: Uint8Array = new Uint8Array()
    let target: Uint8Array = new Uint8Array()
    for (let n = 0; n < 10_000; n++) {
      bytes = encodeCanonical({ walk: new TextEncoder().encode(`past-silent-${n}`) })
      target = sha256(bytes)
      if (target[0] >= 0xc0) break
    }
    expect(target[0], 'a target in the mutes\' quarter of the id space').to.be.at.least(0xc0)
    const t = target
    holder.setLookup(x => Buffer.from(x).equals(t) ? bytes : undefined)
    for (const e of [...mutes, holder]) expect(await reader.addNode(e.endpoint), 'the reader\'s table takes every node').to.equal(true)
    expect(reader.nodeCount()).to.equal(DHT_K + 1)
    for (const m of mutes) m.blocked.silence(true)

    const got = await new Getter(reader).getImmutable(target)
    expect(got?.path).to.equal('recursive')
    expect(Buffer.from(got?.value ?? []).equals(bytes)).to.equal(true)
    // The silent nodes were asked first (nearest) and dropped what came.
    expect(mutes.reduce((a, m) => a + m.stats.traffic.blockedIn, 0)).to.be.greaterThan(0)
  })
})
