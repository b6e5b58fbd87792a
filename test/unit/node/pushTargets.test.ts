import { expect } from 'chai'
import { MAX_PUSH_ENDPOINTS } from '../../../dht/index.js'
import { PEER_BAN_PENALTY, PUSH_PEER_SEEN_WITHIN_MS } from '../../../node/constants.js'
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
})
