// One account: balance, nonce, power, effective power, pooled transactions, and its mined
// transactions newest first, paged by the API's block cursor (`#/account/<key>?before=N`).
// The first page reloads when a block arrives, so a transfer shows up without a reload.
import { LIVE_REDRAW_DEBOUNCE_MS, PAGE_TXS } from '../constants.js'
import { getJson } from '../api.js'
import { facts, h, replace } from '../dom.js'
import { amount } from '../format.js'
import { debounce, onLive } from '../live.js'
import type { PageContext } from '../router.js'
import type { Account, AccountTxs, Tx } from '../types.js'
import { heading, hexBlock, txTable } from './common.js'

export async function accountPage ({ view, params, query, signal }: PageContext): Promise<void> {
  const key = params[0].toLowerCase()
  const before = query.get('before')
  const cursor = before !== null && /^\d{1,15}$/.test(before) ? `&before=${before}` : ''
  const box = h('div')
  const draw = async (): Promise<void> => {
    const [a, page, pool] = await Promise.all([
      getJson<Account>(`/account/${key}`, signal),
      getJson<AccountTxs>(`/account/${key}/txs?limit=${PAGE_TXS}${cursor}`, signal),
      getJson<{ txs: Tx[] }>(`/pool/txs?sender=${key}`, signal)
    ])
    replace(box,
      facts([
        ['key', hexBlock(a.key)],
        ['balance', h('span', { id: 'acct-balance' }, amount(a.balance))],
        ['nonce', h('span', { id: 'acct-nonce' }, String(a.nonce))],
        ['power', String(a.power)],
        ['effective power', amount(a.effectivePower)],
        ['next nonce', String(a.nextNonce ?? '–')],
        ['pooled transactions', String(a.pooledTxs ?? pool.txs.length)]
      ], { id: 'acct-facts' }),
      pool.txs.length > 0 ? [h('h2', null, 'In the pool'), txTable('Pooled transactions from this account', pool.txs, key)] : null,
      h('h2', null, 'Transactions'),
      txTable('Mined transactions of this account', page.txs, key),
      h('nav', { class: 'pager', 'aria-label': 'pages' },
        cursor !== '' ? h('a', { href: `#/account/${key}` }, '← Newest') : null,
        page.next !== null ? h('a', { href: `#/account/${key}?before=${page.next}`, rel: 'next' }, 'Older →') : null))
  }
  await draw()
  replace(view, ...heading('Account'), box)
  if (cursor === '') {
    const redraw = debounce(LIVE_REDRAW_DEBOUNCE_MS, signal, () => { draw().catch(() => {}) })
    onLive('block', signal, redraw)
    onLive('reorg', signal, redraw)
    onLive('tx', signal, d => { const t = d as Tx; if (t.from === key || t.to === key) redraw() })
  }
}
