// Network routes: known peers, the last voting round, DHT engine counters and latencies.
import type { Router } from '../http.js'
import { NO_STORE } from '../format.js'
import type { ApiDeps } from '../deps.js'
import { intParam } from '../params.js'
import { toHex } from '../../../chain/hex.js'
import type { PeerJson, PeerListJson } from '../types.js'

export const PEERS_DEFAULT_LIMIT = 256
export const PEERS_MAX_LIMIT = 1024

export function addNetworkRoutes (router: Router, { node }: ApiDeps): void {
  // Most recently seen first; never-seen peers last.
  router.add('GET', '/peers', req => {
    const limit = intParam(req.query.get('limit'), 'limit', 1, PEERS_MAX_LIMIT, PEERS_DEFAULT_LIMIT)
    const { peers } = node.ctx
    const all = peers.all().sort((a, b) => (b.lastSeenMs ?? -1) - (a.lastSeenMs ?? -1))
    const list = all.slice(0, limit).map((p): PeerJson => ({
      key: p.hex,
      endpoint: p.endpoint !== undefined ? `${p.endpoint.host}:${p.endpoint.port}` : null,
      lastSeen: p.lastSeenMs !== undefined ? new Date(p.lastSeenMs).toISOString() : null,
      lastSeenMs: p.lastSeenMs ?? null,
      tip: p.tip !== undefined ? { id: toHex(p.tip.id), height: p.tip.n, cumulativeDifficulty: p.tip.d.toString() } : null,
      penalties: Math.floor(peers.penalties(p)),
      banned: p.bannedUntilMs !== undefined && p.bannedUntilMs > Date.now(),
      sources: [...p.sources]
    }))
    const body: PeerListJson = { count: all.length, peers: list }
    return { body, headers: NO_STORE }
  })

  // The last rounds (newest first): sampled keys with weights, every vote or why it was void, the
  // tally, S, the decision with its rule and reason, and what became of it.
  router.add('GET', '/votes', () => {
    const { state } = node.ctx
    const recent = [...state.voteRounds].reverse()
    return { body: { rounds: state.votingRounds, lastRound: recent[0] ?? null, recent }, headers: NO_STORE }
  })

  router.add('GET', '/dht', () => {
    const { engine } = node.ctx
    return { body: { endpoint: engine.endpoint, stats: engine.stats.snapshot() }, headers: NO_STORE }
  })
}
