// The transaction pool in mining order (fee, then arrival), live as transactions arrive and leave.
import { LIVE_REDRAW_DEBOUNCE_MS, POOL_LIST } from '../constants.js'
import { getJson } from '../api.js'
import { facts, h, replace } from '../dom.js'
import { debounce, onLive } from '../live.js'
import type { PageContext } from '../router.js'
import type { Tx } from '../types.js'
import { heading, txTable } from './common.js'

export async function poolPage ({ view, signal }: PageContext): Promise<void> {
  const box = h('div')
  const draw = async (): Promise<void> => {
    const [p, list] = await Promise.all([
      getJson<{ size: number, limits?: Record<string, number> }>('/pool', signal),
      getJson<{ txs: Tx[] }>(`/pool/txs?limit=${POOL_LIST}`, signal)
    ])
    replace(box, facts([['transactions', h('span', { id: 'pool-size' }, String(p.size))], ...Object.entries(p.limits ?? {}).map(([k, v]): [string, string] => [k, String(v)])]),
      txTable(`Pooled transactions (first ${POOL_LIST})`, list.txs))
  }
  await draw()
  replace(view, ...heading('Pool', 'pending transactions, in mining order'), box)
  const redraw = debounce(LIVE_REDRAW_DEBOUNCE_MS, signal, () => { draw().catch(() => {}) })
  onLive('tx', signal, redraw)
  onLive('block', signal, redraw)
}
