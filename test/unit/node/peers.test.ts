import { expect } from 'chai'
import { MAX_PEERS, PEER_BAN_MS, PEER_BAN_PENALTY, PEER_EVICT_BATCH } from '../../../node/constants.js'
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
})
