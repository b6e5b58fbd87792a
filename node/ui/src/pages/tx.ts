// One transaction: pooled or mined, the block that holds it on this node's main chain, its fields.
import { getJson, isNotFound } from '../api.js'
import { facts, h, replace } from '../dom.js'
import { amount, isoTime, memoText } from '../format.js'
import { accountLink, blockLink } from '../links.js'
import type { PageContext } from '../router.js'
import type { TxLookup } from '../types.js'
import { heading, hexBlock, notFound } from './common.js'

export async function txPage ({ view, params, signal }: PageContext): Promise<void> {
  let r: TxLookup
  try {
    r = await getJson<TxLookup>(`/tx/${params[0].toLowerCase()}`, signal)
  } catch (e) {
    if (isNotFound(e)) { notFound(view, 'transaction'); return }
    throw e
  }
  const t = r.tx
  const where = r.status === 'pool' ? 'in the pool, not mined yet' : r.block !== null ? `mined in block ${r.block.height}` : 'mined in a block off the main chain'
  const memo = memoText(t.memo)
  replace(view, ...heading('Transaction', h('span', { id: 'tx-status' }, where)),
    facts([
      ['id', hexBlock(r.id)],
      ['status', r.status],
      ['block', r.block !== null ? blockLink(r.block.id, `${r.block.height} · ${r.block.id}`) : '–'],
      ['kind', t.kind],
      ['from', accountLink(t.from, t.from)],
      ['to', t.to !== undefined ? accountLink(t.to, t.to) : '–'],
      ['amount', amount(t.amount)],
      ['fee', amount(t.fee)],
      ['nonce', String(t.nonce)],
      ['time', `${isoTime(t.timestamp)} (${t.timestamp})`],
      ['memo', t.memo === '' ? '–' : memo !== undefined ? h('span', null, memo) : hexBlock(t.memo)],
      ['signature', t.signature !== undefined ? hexBlock(t.signature) : '–']
    ], { id: 'tx-facts' }))
}
