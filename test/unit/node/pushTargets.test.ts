import { expect } from 'chai'
import { MAX_PUSH_ENDPOINTS } from '../../../dht/index.js'
import { OWN_TIP_PUSH_MAX_ENDPOINTS, PEER_BAN_PENALTY, PUSH_PEER_SEEN_WITHIN_MS, RELAY_PUSH_FANOUT } from '../../../node/constants.js'
import { PeerSet } from '../../../node/peers.js'
import { pushTargets } from '../../../node/pushTargets.js'

const key = (i: number): Uint8Array => {
  const k = new Uint8Array(32)
  new DataView(k.buffer).setUint32(0, i + 1)
  return k
}
const blockId = (b: number): Uint8Array => new Uint8Array(32).fill(b)
const ep = (i: number): { host: string, port: number } => ({ host: '127.0.0.1', port: 20_000 + i })

describe('node/pushTargets', () => {
  it('live, unbanned peers with an endpoint, most recently seen first, at most MAX_PUSH_ENDPOINTS', () => {
    let now = 1_000_000
    const peers = new PeerSet(key(0), () => now)
    for (let i = 1; i <= MAX_PUSH_ENDPOINTS + 4; i++) {
      peers.add(key(i), 'genesis')
      peers.seen(key(i), { endpoint: ep(i) })
      now += 10
    }
    peers.add(key(100), 'genesis') // never seen: no endpoint, not live
    peers.penalise(key(MAX_PUSH_ENDPOINTS + 4), PEER_BAN_PENALTY) // the most recent one, banned
    const to = pushTargets(peers, now)
    expect(to).to.have.length(MAX_PUSH_ENDPOINTS)
    expect(to[0]).to.deep.equal(ep(MAX_PUSH_ENDPOINTS + 3))
    expect(to.map(e => e.port)).to.not.include(ep(MAX_PUSH_ENDPOINTS + 4).port)
    // Seen too long ago: not pushed to.
    expect(pushTargets(peers, now + PUSH_PEER_SEEN_WITHIN_MS + 1_000)).to.deep.equal([])
  })

  it("a blkTip is not pushed to peers that announced that block themselves; other items are", () => {
    const now = 5_000_000
    const peers = new PeerSet(key(0), () => now)
    for (let i = 1; i <= 4; i++) peers.add(key(i), 'genesis')
    peers.seen(key(1), { endpoint: ep(1), tip: { id: blockId(7), n: 7, d: 70n } })
    peers.seen(key(2), { endpoint: ep(2), tip: { id: blockId(6), n: 6, d: 60n } })
    peers.seen(key(3), { endpoint: ep(3) }) // tip unknown
    peers.seen(key(4), { endpoint: ep(4), tip: { id: blockId(7), n: 7, d: 70n } })
    const ports = (xs: Array<{ port: number }>): number[] => xs.map(e => e.port).sort()
    expect(ports(pushTargets(peers, now, blockId(7)))).to.deep.equal([ep(2).port, ep(3).port])
    expect(ports(pushTargets(peers, now))).to.deep.equal([ep(1).port, ep(2).port, ep(3).port, ep(4).port])
    // A peer that moved on to another block is pushed our tip again.
    peers.seen(key(1), { tip: { id: blockId(8), n: 8, d: 80n } })
    expect(ports(pushTargets(peers, now, blockId(7)))).to.deep.equal([ep(1).port, ep(2).port, ep(3).port])
  })

  it('a mined tip goes to every live peer that may lack it (up to OWN_TIP_PUSH_MAX_ENDPOINTS); a relayed one to RELAY_PUSH_FANOUT of them at random', () => {
    let now = 9_000_000
    const peers = new PeerSet(key(0), () => now)
    const n = OWN_TIP_PUSH_MAX_ENDPOINTS + 8
    for (let i = 1; i <= n; i++) {
      peers.add(key(i), 'genesis')
      // Peers 1 and 2 announced block 7 themselves.
      peers.seen(key(i), { endpoint: ep(i), tip: i <= 2 ? { id: blockId(7), n: 7, d: 70n } : undefined })
      now += 10
    }
    const mined = pushTargets(peers, now, blockId(7), 'mined')
    expect(mined).to.have.length(OWN_TIP_PUSH_MAX_ENDPOINTS)
    expect(mined[0]).to.deep.equal(ep(n), 'most recently seen first')
    expect(mined.map(e => e.port)).to.not.include(ep(1).port)
    expect(mined.map(e => e.port)).to.not.include(ep(2).port)
    // Relays: a sample without repeats, never a peer that announced the block, and over many draws
    // every other live peer is picked (not always the most recent ones).
    const picked = new Set<number>()
    for (let draw = 0; draw < 400; draw++) {
      const relay = pushTargets(peers, now, blockId(7), 'relay').map(e => e.port)
      expect(relay).to.have.length(RELAY_PUSH_FANOUT)
      expect(new Set(relay).size).to.equal(RELAY_PUSH_FANOUT)
      expect(relay).to.not.include(ep(1).port)
      expect(relay).to.not.include(ep(2).port)
      for (const port of relay) picked.add(port)
    }
    expect(picked.size).to.equal(n - 2)
    // Fewer candidates than the fan-out: all of them.
    const few = new PeerSet(key(0), () => now)
    for (let i = 1; i <= 3; i++) { few.add(key(i), 'genesis'); few.seen(key(i), { endpoint: ep(i) }) }
    expect(pushTargets(few, now, blockId(7), 'relay').map(e => e.port).sort()).to.deep.equal([ep(1).port, ep(2).port, ep(3).port])
  })
})
