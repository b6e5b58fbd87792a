// The dashboard: the node's tip, consensus point, sync state, warnings, peers and pool, charts of
// block interval, base target and difficulty over the last blocks, the newest blocks, and a log
// of blocks and reorgs as they arrive on /events (no reload).
import { ACTIVITY_LINES, CHART_BLOCKS, CHART_FETCH_CONCURRENCY, LIVE_REDRAW_DEBOUNCE_MS, RECENT_BLOCKS } from '../constants.js'
import { getJson } from '../api.js'
import { blockSeries, type ChartBlock } from '../blockSeries.js'
import { lineChart } from '../charts.js'
import { h, replace, table } from '../dom.js'
import { ago, short } from '../format.js'
import { accountLink, blockLink, heightLink } from '../links.js'
import { debounce, onLive } from '../live.js'
import type { PageContext } from '../router.js'
import type { Block, BlockSummary, ReorgEvent, Status } from '../types.js'
import { heading } from './common.js'


async function chartBlocks (list: BlockSummary[], signal: AbortSignal): Promise<ChartBlock[]> {
  // Block answers are immutable and cached by the browser, so a refresh only fetches new ones.
  const out: ChartBlock[] = []
  for (let i = 0; i < list.length; i += CHART_FETCH_CONCURRENCY) {
    const part = await Promise.all(list.slice(i, i + CHART_FETCH_CONCURRENCY).map(async b => await getJson<Block>(`/block/${b.id}`, signal)))
    out.push(...part)
  }
  return out
}

function statusView (s: Status): HTMLElement {
  const sync = s.ready === false ? 'starting (voting)' : s.syncing ? 'syncing' : 'synced'
  return h('div', { class: 'cards' },
    card('Height', h('span', { id: 'stat-height' }, String(s.height))),
    card('Tip', blockLink(s.tipId), s.tipTime !== undefined ? ago(s.tipTime) : undefined, { id: 'stat-tip', 'data-id': s.tipId }),
    card('Consensus point', s.consensusPoint !== null ? [heightLink(s.consensusPoint.height), ' ', blockLink(s.consensusPoint.id)] : 'none yet'),
    card('Sync', h('span', { id: 'stat-sync' }, sync), s.mining !== undefined ? (s.mining.enabled ? 'mining' : 'not mining') : undefined),
    card('Peers', h('a', { href: '#/peers' }, `${s.peers} seen`), s.knownPeers !== undefined ? `${s.knownPeers} known` : undefined),
    card('Pool', h('a', { href: '#/pool' }, `${s.poolSize} txs`)),
    card('Reorgs', String(s.reorgs ?? '–'), s.minedBlocks !== undefined ? `${s.minedBlocks} mined, ${s.importedBlocks ?? 0} imported` : undefined)
  )
}

function card (title: string, value: Node | string | Array<Node | string>, note?: string, attrs?: Record<string, string>): HTMLElement {
  return h('div', { class: 'card', ...attrs }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-value' }, value), note !== undefined ? h('div', { class: 'card-note' }, note) : null)
}

const recentTable = (blocks: BlockSummary[]): HTMLElement => table('Latest blocks', ['height', 'id', 'miner', 'txs', 'time'],
  blocks.slice(0, RECENT_BLOCKS).map(b => [heightLink(b.height), blockLink(b.id), accountLink(b.miner), b.txCount, ago(b.time)]), { id: 'recent-blocks' })

export async function dashboardPage ({ view, signal }: PageContext): Promise<void> {
  const [status, list] = await Promise.all([getJson<Status>('/status', signal), getJson<{ blocks: BlockSummary[] }>(`/blocks?limit=${CHART_BLOCKS}`, signal)])
  const statusBox = h('div', null, statusView(status))
  const warnBox = h('div', { id: 'warnings' })
  const showWarnings = (w: string[] | undefined): void => {
    replace(warnBox, (w ?? []).length > 0 ? h('div', { class: 'warn', role: 'status' }, h('strong', null, 'Warnings'), h('ul', null, (w ?? []).map(x => h('li', null, x)))) : null)
  }
  showWarnings(status.warnings)
  const interval = lineChart('Block interval (s)', [{ label: 'interval s', color: '#58a6ff' }], signal)
  const target = lineChart('Base target and difficulty', [{ label: 'base target', color: '#3fb950' }, { label: 'difficulty', color: '#d29922', scale: 'd' }], signal)
  const recentBox = h('div', null, recentTable(list.blocks))
  const activity = h('ol', { id: 'activity', class: 'activity', 'aria-live': 'polite' })
  replace(view, ...heading('Dashboard'), statusBox, warnBox, h('div', { class: 'charts' }, interval.el, target.el),
    h('div', { class: 'split' }, h('section', null, h('h2', null, 'Latest blocks'), recentBox, h('p', null, h('a', { href: '#/blocks' }, 'All blocks →'))),
      h('section', null, h('h2', null, 'Live activity'), activity)))

  const drawCharts = async (blocks: BlockSummary[]): Promise<void> => {
    const s = blockSeries(await chartBlocks(blocks, signal))
    interval.set(s.x, [s.interval])
    target.set(s.x, [s.baseTarget, s.difficulty])
  }
  await drawCharts(list.blocks)

  const log = (cls: string, ...parts: Array<Node | string>): void => {
    activity.prepend(h('li', { class: cls }, h('time', null, new Date().toLocaleTimeString()), ' ', ...parts))
    while (activity.children.length > ACTIVITY_LINES) activity.lastElementChild?.remove()
  }
  const refresh = debounce(LIVE_REDRAW_DEBOUNCE_MS, signal, () => {
    void (async () => {
      const [s, l] = await Promise.all([getJson<Status>('/status', signal), getJson<{ blocks: BlockSummary[] }>(`/blocks?limit=${CHART_BLOCKS}`, signal)])
      replace(statusBox, statusView(s))
      showWarnings(s.warnings)
      replace(recentBox, recentTable(l.blocks))
      await drawCharts(l.blocks)
    })().catch(() => { /* the next event or a reload retries; the header shows a lost stream */ })
  })
  onLive('block', signal, d => {
    const b = d as BlockSummary & { mined?: boolean }
    log('ev-block', 'block ', heightLink(b.height), ' ', blockLink(b.id), ` by ${short(b.miner)}`, b.mined === true ? ' (mined here)' : '')
    refresh()
  })
  onLive('reorg', signal, d => {
    const r = d as ReorgEvent
    log('ev-reorg', h('strong', null, `reorg depth ${r.depth}`), ` at height ${r.height}: `, blockLink(r.oldTip), ' → ', blockLink(r.newTip))
    refresh()
  })
  onLive('warning', signal, () => { refresh() })
}

