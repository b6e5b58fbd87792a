// The testnet dashboard page (served by `npm run testnet -- --dashboard`): every node's height, tip,
// peers, mining and last block's propagation delay; a timeline of blocks by miner with forks as
// branches and reorg marks; propagation p50/p95 so far. Snapshots come from the dashboard's own
// /events, which it assembles from the nodes' APIs.
import { type Child, h, replace, s, table } from './dom.js'
import { short } from './format.js'
import type { DashSnapshot } from './netdash/snapshot.js'
import { minerColor, timelineSvg } from './netdash/timeline.js'

const ms = (v: number | null): string => v === null ? '–' : `${v} ms`

function card (title: string, value: Child, id?: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-value', id }, value))
}

function render (view: HTMLElement, d: DashSnapshot): void {
  const names = d.nodes.map(n => n.name)
  const up = d.nodes.filter(n => n.up)
  const tips = new Set(up.map(n => n.tipId))
  const agree = up.length > 0 && tips.size === 1
  const cp = d.nodes.reduce<{ id: string, height: number } | null>((m, n) => n.consensusPoint !== null && (m === null || n.consensusPoint.height > m.height) ? n.consensusPoint : m, null)
  replace(view,
    h('h1', { tabindex: -1 }, 'Testnet'),
    h('p', { class: 'sub' }, `${d.nodes.length} nodes, watched for ${Math.round((d.nowMs - d.startedAtMs) / 1000)} s`),
    h('div', { class: 'cards' },
      card('Nodes up', `${up.length} / ${d.nodes.length}`, 'nodes-up'),
      card('Tips', agree ? 'all equal' : `${tips.size} different`, 'tips-agree'),
      card('Propagation p50', ms(d.propagation.p50Ms), 'prop-p50'),
      card('Propagation p95', ms(d.propagation.p95Ms), 'prop-p95'),
      card('Samples', String(d.propagation.samples)),
      card('Reorgs seen', String(d.reorgs.length), 'reorg-count'),
      card('Consensus point', cp === null ? 'none yet' : `${cp.height} · ${short(cp.id)}`, 'consensus-point')),
    h('h2', null, 'Nodes'),
    table('Nodes', ['node', 'up', 'height', 'tip', 'peers', 'mining', 'sync', 'last block', 'delay', 'reorgs', 'consensus point'], d.nodes.map(n => [
      h('a', { href: n.api + '/', title: 'this node\'s explorer' }, n.name),
      n.up ? 'up' : h('span', { title: n.error ?? '' }, 'down'),
      h('span', { class: 'node-height' }, n.height === null ? '–' : String(n.height)),
      n.tipId === null ? '–' : h('code', { class: 'node-tip', 'data-tip': n.tipId, title: n.tipId }, short(n.tipId)),
      n.peers === null ? '–' : String(n.peers),
      n.mining === null ? '–' : n.mining ? 'yes' : 'no',
      n.syncing === null ? '–' : n.syncing ? 'syncing' : 'synced',
      n.lastBlock === null ? '–' : String(n.lastBlock.height),
      n.lastBlock === null ? '–' : ms(n.lastBlock.delayMs),
      n.reorgs === null ? '–' : String(n.reorgs),
      n.consensusPoint === null ? '–' : h('span', { title: n.consensusPoint.id }, String(n.consensusPoint.height))
    ]), { id: 'node-table' }),
    h('h2', null, 'Timeline'),
    h('div', { class: 'legend' }, d.nodes.map(n => h('span', null,
      s('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, s('rect', { width: 12, height: 12, rx: 2, fill: minerColor(n.name, names) })), ' ', n.name)),
    h('span', null, 'dashed red: a fork off the main chain; ▼ a reorg; CP: the highest consensus point')),
    h('div', { class: 'timeline-wrap' }, timelineSvg(d.blocks, d.mainTip, d.reorgs, names, up[0]?.api ?? null, cp?.height ?? null)),
    h('p', { class: 'sub' }, `${d.blocks.length} blocks shown; hover a block for who saw it when`),
    h('h2', null, 'Reorgs'),
    table('Reorgs', ['time', 'node', 'depth', 'height', 'old tip', 'new tip'], [...d.reorgs].reverse().slice(0, 20).map(r => [
      new Date(r.atMs).toLocaleTimeString(), r.node, r.depth, r.height, short(r.oldTip), short(r.newTip)
    ]), { id: 'reorg-table' }))
}

function main (): void {
  const view = document.getElementById('view')
  const live = document.getElementById('live')
  if (view === null || live === null) return
  const es = new EventSource('/events')
  es.addEventListener('open', () => { live.textContent = 'live'; live.className = 'live up' })
  es.addEventListener('error', () => { live.textContent = 'reconnecting…'; live.className = 'live down' })
  es.addEventListener('state', ev => {
    let d: DashSnapshot
    try { d = JSON.parse((ev as MessageEvent<string>).data) as DashSnapshot } catch { return }
    // Keep the reader's horizontal scroll position on the timeline across redraws.
    const scroll = view.querySelector('.timeline-wrap')?.scrollLeft
    const atEnd = scroll === undefined || (() => { const w = view.querySelector('.timeline-wrap'); return w === null || w.scrollLeft + w.clientWidth >= w.scrollWidth - 40 })()
    render(view, d)
    const w = view.querySelector('.timeline-wrap')
    if (w !== null) w.scrollLeft = atEnd ? w.scrollWidth : scroll ?? 0
  })
}

main()
