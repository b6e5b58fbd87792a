// One block: its fields, whether it is on the main chain (and final), its transactions, links to
// its parent and child. `#/height/N` looks the main-chain id up and replaces itself with the block's URL.
import { getJson, isNotFound } from '../api.js'
import { facts, h, replace } from '../dom.js'
import { amount, isoTime } from '../format.js'
import { accountLink, blockLink, heightLink } from '../links.js'
import { type PageContext, redirect } from '../router.js'
import type { Block, BlockStatus } from '../types.js'
import { heading, hexBlock, notFound, txTable } from './common.js'

export async function heightPage ({ view, params, signal }: PageContext): Promise<void> {
  const n = params[0]
  try {
    const r = await getJson<{ id: string }>(`/block-height/${n}`, signal)
    redirect(`#/block/${r.id}`)
  } catch (e) {
    if (isNotFound(e)) { notFound(view, `main-chain block at height ${n}`); return }
    throw e
  }
}

export async function blockPage ({ view, params, signal }: PageContext): Promise<void> {
  const id = params[0].toLowerCase()
  let b: Block; let st: BlockStatus
  try {
    [b, st] = await Promise.all([getJson<Block>(`/block/${id}?txs=1`, signal), getJson<BlockStatus>(`/block/${id}/status`, signal)])
  } catch (e) {
    if (isNotFound(e)) { notFound(view, 'block'); return }
    throw e
  }
  const where = st.inBestChain ? (st.final ? 'main chain, final' : 'main chain') : 'side chain (not on this node\'s main chain)'
  const txs = (b.txs ?? []).map(t => ({ ...t, block: { id: b.id, height: b.height } }))
  replace(view, ...heading(`Block ${b.height}`, h('span', { id: 'block-where', class: st.inBestChain ? 'ok' : 'warn-text' }, where)),
    facts([
      ['id', hexBlock(b.id)],
      ['height', h('span', { id: 'block-height' }, String(b.height))],
      ['time', `${isoTime(b.time)} (${b.time})`],
      ['parent', b.height > 0 ? blockLink(b.parent, b.parent) : 'none (genesis)'],
      ['next', st.nextBest !== null ? blockLink(st.nextBest, st.nextBest) : '–'],
      ['miner', accountLink(b.miner, b.miner)],
      ['base target', amount(b.baseTarget)],
      ['cumulative difficulty', amount(b.cumulativeDifficulty)],
      ['generation signature', hexBlock(b.generationSignature)],
      ['checkpoint', hexBlock(b.checkpoint)],
      ['transactions', String(b.txCount)],
      ['version', String(b.version)],
      ['signature', hexBlock(b.signature)]
    ], { id: 'block-facts' }),
    h('nav', { class: 'pager', 'aria-label': 'neighbours' },
      b.height > 0 ? heightLink(b.height - 1) : null, ' ', st.nextBest !== null ? blockLink(st.nextBest, 'next →') : null),
    h('h2', null, 'Transactions'), txTable('Transactions in this block', txs))
}
