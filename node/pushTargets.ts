// Whom a new channel item is pushed to (node/publisher.ts): live peers (one of their channel items
// verified within PUSH_PEER_SEEN_WITHIN_MS), not banned, most recently seen first, at most
// MAX_PUSH_ENDPOINTS. For a blkTip, peers whose own last blkTip named that very block are left
// out: they hold it (they published it), so the push would tell them nothing. In a network where
// every node pushes its new tip after each import, most peers have announced the block before a
// node's import ends (n nodes × MAX_PUSH_ENDPOINTS pushes per block otherwise, most answered
// "already there"), and the pushes left go to the peers that may not have it yet.
import { bytesEqual } from '../chain/hex.js'
import { type Endpoint, MAX_PUSH_ENDPOINTS } from '../dht/index.js'
import { PUSH_PEER_SEEN_WITHIN_MS } from './constants.js'
import type { PeerSet } from './peers.js'

export function pushTargets (peers: PeerSet, now: number, tipId?: Uint8Array): Endpoint[] {
  const live = peers.all().filter(p => p.endpoint !== undefined && p.lastSeenMs !== undefined &&
    now - p.lastSeenMs <= PUSH_PEER_SEEN_WITHIN_MS && !peers.isBanned(p) &&
    (tipId === undefined || p.tip === undefined || !bytesEqual(p.tip.id, tipId)))
  live.sort((a, b) => (b.lastSeenMs ?? 0) - (a.lastSeenMs ?? 0))
  return live.slice(0, MAX_PUSH_ENDPOINTS).map(p => p.endpoint!)
}
