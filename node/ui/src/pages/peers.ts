// Known peers, most recently seen first: endpoint, tip, penalties.
import { getJson } from '../api.js'
import { h, replace, table } from '../dom.js'
import { accountLink, blockLink } from '../links.js'
import type { PageContext } from '../router.js'
import type { Peer } from '../types.js'
import { heading } from './common.js'

export async function peersPage ({ view, signal }: PageContext): Promise<void> {
  const r = await getJson<{ count: number, peers: Peer[] }>('/peers', signal)
  const now = Date.now()
  replace(view, ...heading('Peers', `${r.count} known`),
    table('Peers', ['key', 'endpoint', 'last seen', 'tip height', 'tip', 'penalties', 'state'], r.peers.map(p => [
      accountLink(p.key), p.endpoint ?? '–', p.lastSeenMs !== null ? `${Math.max(0, Math.round((now - p.lastSeenMs) / 1000))} s ago` : 'never',
      p.tip !== null ? String(p.tip.height) : '–', p.tip !== null ? blockLink(p.tip.id) : '–', p.penalties, p.banned ? 'banned' : 'ok'
    ]), { id: 'peer-list' }),
    h('p', { class: 'sub' }, 'Peers are found through the DHT and the genesis accounts; the tip is the last blkTip read from each.'))
}
