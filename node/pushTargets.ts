// Whom a new channel item is pushed to (node/publisher.ts): live peers (one of their channel items
// verified within PUSH_PEER_SEEN_WITHIN_MS), not banned. For a blkTip, peers whose own last blkTip
// named that very block are left out: they hold it (they published it), so the push would tell them
// nothing.
// How many, by what the item is (PushKind):
// - 'all' (txTip, demand, a first blkTip or a changed endpoint): the most recently seen first, at most
//   MAX_PUSH_ENDPOINTS.
// - 'mined' (a blkTip of a block this node mined): every live peer that may lack it, most recently
//   seen first, at most OWN_TIP_PUSH_MAX_ENDPOINTS: the block reaches them in one hop.
// - 'relay' (a blkTip of a block this node imported from another): RELAY_PUSH_FANOUT of them, at
//   random. The miner has pushed the block to every live peer already and each importer's recursive
//   put stores it in the target's neighbourhood, so a relay matters only for a peer whose push from
//   the miner was lost; with n importers each relaying to RELAY_PUSH_FANOUT peers picked at random, such
//   a peer is still sent ≈ RELAY_PUSH_FANOUT relays. Relaying to every live peer made each block cost
//   every node a push (a signature check) from every other node.
import { bytesEqual } from '../chain/hex.js'
import { type Endpoint, MAX_PUSH_ENDPOINTS } from '../dht/index.js'
import { OWN_TIP_PUSH_MAX_ENDPOINTS, PUSH_PEER_SEEN_WITHIN_MS, RELAY_PUSH_FANOUT } from './constants.js'
import type { PeerInfo, PeerSet } from './peers.js'

export type PushKind = 'all' | 'mined' | 'relay'

/** Peers a push can go to: an endpoint known, one of their items verified recently, not banned. */
export function livePeers (peers: PeerSet, now: number): PeerInfo[] {
  return peers.all().filter(p => p.endpoint !== undefined && p.lastSeenMs !== undefined &&
    now - p.lastSeenMs <= PUSH_PEER_SEEN_WITHIN_MS && !peers.isBanned(p))
}

export function pushTargets (peers: PeerSet, now: number, tipId?: Uint8Array, kind: PushKind = 'all', random: () => number = Math.random): Endpoint[] {
  const live = livePeers(peers, now).filter(p => tipId === undefined || p.tip === undefined || !bytesEqual(p.tip.id, tipId))
  if (kind === 'relay') {
    // A partial Fisher–Yates shuffle: the first RELAY_PUSH_FANOUT places get a uniform sample.
    const n = Math.min(RELAY_PUSH_FANOUT, live.length)
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(random() * (live.length - i))
      const t = live[i]; live[i] = live[j]; live[j] = t
    }
    return live.slice(0, n).map(p => p.endpoint!)
  }
  live.sort((a, b) => (b.lastSeenMs ?? 0) - (a.lastSeenMs ?? 0))
  return live.slice(0, kind === 'mined' ? OWN_TIP_PUSH_MAX_ENDPOINTS : MAX_PUSH_ENDPOINTS).map(p => p.endpoint!)
}
