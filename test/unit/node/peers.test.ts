import { expect } from 'chai'
import { MAX_PEERS, PEER_BAN_MS, PEER_BAN_PENALTY, PEER_EVICT_BATCH, PEER_PENALTY_HALF_LIFE_MS, PENALTY_INVALID_DATA, PENALTY_MISSING_DATA } from '../../../node/constants.js'
import { PeerSet } from '../../../node/peers.js'

const key = (i: number): Uint8Array => {
  const k = new Uint8Array(32)
  new DataView(k.buffer).setUint32(0, i + 1)
  return k
}

describe('node/peers', () => {
  it('never adds itself, and merges the sources of a key seen twice', () => {
    const peers = new PeerSet(key(0))
    expect(peers.add(key(0), 'miner')).to.equal(undefined)
    peers.add(key(1), 'tx')
    peers.add(key(1), 'miner')
    expect(peers.size).to.equal(1)
    expect([...peers.get(key(1))!.sources].sort()).to.deep.equal(['miner', 'tx'])
  })

  it('stays bounded, keeps genesis and config peers, and evicts the penalised and the unseen first', () => {
    let now = 1_000
    const peers = new PeerSet(key(0), () => now)
    peers.add(key(1), 'genesis')
    peers.add(key(2), 'config')
    peers.add(key(3), 'miner')
    peers.seen(key(3), {}) // seen: outlives the never-seen transaction parties
    peers.add(key(4), 'tx')
    peers.penalise(key(4), 1) // penalised: goes in the first eviction
    for (let i = 5; peers.size < MAX_PEERS; i++) peers.add(key(i), 'tx')
    now += 1
    for (let i = 0; i < 3 * PEER_EVICT_BATCH; i++) {
      peers.add(key(100_000 + i), 'tx')
      expect(peers.size).to.be.at.most(MAX_PEERS)
    }
    expect(peers.get(key(1))).to.not.equal(undefined)
    expect(peers.get(key(2))).to.not.equal(undefined)
    expect(peers.get(key(3))).to.not.equal(undefined)
    expect(peers.get(key(4))).to.equal(undefined)
    expect(peers.get(key(100_000 + 3 * PEER_EVICT_BATCH - 1))).to.not.equal(undefined)
  })

  it('round-robins over peers and skips a banned one until its ban ends', () => {
    let now = 0
    const peers = new PeerSet(key(0), () => now)
    for (let i = 1; i <= 3; i++) peers.add(key(i), 'miner')
    peers.penalise(key(2), PEER_BAN_PENALTY)
    const seen = Array.from({ length: 4 }, () => peers.next()!.hex)
    expect(new Set(seen).size).to.equal(2)
    expect(seen).to.not.include(peers.get(key(2))!.hex)
    now += PEER_BAN_MS + 1
    const later = new Set(Array.from({ length: 3 }, () => peers.next()!.hex))
    expect(later.size).to.equal(3)
    expect(peers.get(key(2))!.penalties).to.equal(Math.floor(PEER_BAN_PENALTY / 2))
  })

  it('lets missing-data points decay, so a slow honest peer is not banned over a long sync, but bans repeated invalid data', () => {
    let now = 0
    const peers = new PeerSet(key(0), () => now)
    peers.add(key(1), 'miner')
    peers.add(key(2), 'miner')
    const slow = peers.get(key(1))!
    // One missed item every 30 s for an hour: without decay the tenth would ban the peer.
    for (let i = 0; i < 120; i++) {
      peers.penalise(key(1), PENALTY_MISSING_DATA)
      expect(peers.isBanned(slow), `miss ${i}`).to.equal(false)
      now += 30_000
    }
    expect(peers.penalties(slow)).to.be.lessThan(PEER_BAN_PENALTY)
    // The same misses all at once still ban.
    for (let i = 0; i < PEER_BAN_PENALTY; i++) peers.penalise(key(1), PENALTY_MISSING_DATA)
    expect(peers.isBanned(slow)).to.equal(true)
    // Invalid items a minute apart ban too: the third at the latest.
    peers.penalise(key(2), PENALTY_INVALID_DATA)
    now += 60_000
    peers.penalise(key(2), PENALTY_INVALID_DATA)
    expect(peers.isBanned(peers.get(key(2))!)).to.equal(false)
    now += 60_000
    peers.penalise(key(2), PENALTY_INVALID_DATA)
    expect(peers.isBanned(peers.get(key(2))!)).to.equal(true)
    // Points halve per half-life once a peer is not banned, and are held while it is.
    const held = peers.penalties(peers.get(key(2))!)
    now += PEER_BAN_MS / 2
    expect(peers.penalties(peers.get(key(2))!)).to.equal(held)
    now += PEER_BAN_MS / 2 + 1
    expect(peers.isBanned(peers.get(key(2))!)).to.equal(false)
    const after = peers.penalties(peers.get(key(2))!)
    now += PEER_PENALTY_HALF_LIFE_MS
    expect(peers.penalties(peers.get(key(2))!)).to.be.closeTo(after / 2, 1e-9)
  })
})
