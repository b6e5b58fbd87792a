// Main-chain blocks newest first, 25 a page, paged by height (`#/blocks?before=N`, the API's
// keyset cursor). The first page takes new blocks live.
import { LIVE_REDRAW_DEBOUNCE_MS, PAGE_BLOCKS } from '../constants.js'
import { getJson } from '../api.js'
import { h, replace, table } from '../dom.js'
import { ago, isoTime } from '../format.js'
import { accountLink, blockLink, heightLink } from '../links.js'
import { debounce, onLive } from '../live.js'
import type { PageContext } from '../router.js'
import type { BlockSummary } from '../types.js'
import { heading } from './common.js'

export async function blocksPage ({ view, query, signal }: PageContext): Promise<void> {
  const before = query.get('before')
  const cursor = before !== null && /^\d{1,15}$/.test(before) ? `&before=${before}` : ''
  const box = h('div')
  const draw = async (): Promise<void> => {
    const page = await getJson<{ blocks: BlockSummary[], next: number | null }>(`/blocks?limit=${PAGE_BLOCKS}${cursor}`, signal)
    replace(box,
      table('Blocks', ['height', 'id', 'miner', 'txs', 'time'], page.blocks.map(b => [
        heightLink(b.height), blockLink(b.id), accountLink(b.miner), b.txCount, h('time', { title: isoTime(b.time) }, ago(b.time))
      ]), { id: 'block-list' }),
      h('nav', { class: 'pager', 'aria-label': 'pages' },
        cursor !== '' ? h('a', { href: '#/blocks' }, '← Newest') : null,
        page.next !== null ? h('a', { href: `#/blocks?before=${page.next}`, rel: 'next', id: 'older' }, 'Older →') : null))
  }
  await draw()
  replace(view, ...heading('Blocks', cursor !== '' ? `below height ${before ?? ''}` : 'newest first, live'), box)
  if (cursor === '') {
    const redraw = debounce(LIVE_REDRAW_DEBOUNCE_MS, signal, () => { draw().catch(() => {}) })
    onLive('block', signal, redraw)
    onLive('reorg', signal, redraw)
  }
}
