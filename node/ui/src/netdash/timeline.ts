// The timeline as SVG: one column per height, blocks coloured by miner, the main chain on the top
// lane, forks on branch lanes below joined to their parents, and a red mark over the heights where
// a node reorganised. Scrolls sideways on narrow screens.
import { TIMELINE_BOX_PX, TIMELINE_COL_PX, TIMELINE_LANE_PX, TIMELINE_MAX_COLUMNS, TIMELINE_TOP_PX } from '../constants.js'
import { s } from '../dom.js'
import { short } from '../format.js'
import { layoutTimeline } from './layout.js'
import type { DashBlock, DashReorg } from './snapshot.js'

export const PALETTE = ['#58a6ff', '#3fb950', '#d29922', '#f778ba', '#a371f7', '#39c5cf', '#ff7b72', '#e3b341']
const COL_PX = TIMELINE_COL_PX
const LANE_PX = TIMELINE_LANE_PX
const BOX_PX = TIMELINE_BOX_PX
const TOP_PX = TIMELINE_TOP_PX

export function minerColor (name: string | null, names: string[]): string {
  const i = name === null ? -1 : names.indexOf(name)
  return i < 0 ? '#8b949e' : PALETTE[i % PALETTE.length]
}

/** `explorer`: a node's API base URL, whose explorer opens a clicked block. */
export function timelineSvg (blocks: DashBlock[], mainTip: string | null, reorgs: DashReorg[], names: string[], explorer: string | null, cpHeight: number | null): SVGSVGElement {
  const top = blocks.reduce((m, b) => Math.max(m, b.height), 0)
  const recent = blocks.filter(b => b.height > top - TIMELINE_MAX_COLUMNS)
  const lay = layoutTimeline(recent, mainTip)
  const x = (h: number): number => 10 + (h - lay.minHeight) * COL_PX
  const y = (lane: number): number => TOP_PX + lane * LANE_PX
  const width = x(lay.maxHeight) + COL_PX + 10
  const height = y(lay.lanes) + 8
  const svg = s('svg', { id: 'timeline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `blocks by height and miner; ${lay.lanes - 1} fork lanes` })
  for (const e of lay.edges) {
    svg.append(s('line', {
      x1: x(e.from.block.height) + BOX_PX, y1: y(e.from.lane) + BOX_PX / 2, x2: x(e.to.block.height), y2: y(e.to.lane) + BOX_PX / 2,
      stroke: e.to.main ? '#8b949e' : '#f85149', 'stroke-width': 2
    }))
  }
  for (const p of lay.placed) {
    const b = p.block
    const seen = Object.entries(b.seenBy).map(([n, d]) => `${n} +${d} ms`).join(', ')
    const g = s('a', { href: explorer !== null ? `${explorer}/#/block/${b.id}` : undefined },
      s('title', null, `height ${b.height} · ${short(b.id)} · mined by ${b.minerName ?? short(b.miner)}${p.main ? '' : ' · fork'} · seen: ${seen}`),
      s('rect', {
        x: x(b.height), y: y(p.lane), width: BOX_PX, height: BOX_PX, rx: 4, fill: minerColor(b.minerName, names),
        stroke: p.main ? '#c9d1d9' : '#f85149', 'stroke-width': p.main ? 1 : 2, 'stroke-dasharray': p.main ? '' : '3 2', class: p.main ? 'blk main' : 'blk fork'
      }))
    svg.append(g)
    if (b.height % 5 === 0 && p.main) svg.append(s('text', { x: x(b.height), y: 14, fill: '#9da7b3', 'font-size': 11 }, String(b.height)))
  }
  if (cpHeight !== null && cpHeight >= lay.minHeight && cpHeight <= lay.maxHeight) {
    // Blocks at or below the consensus point are settled: a dashed line after it, labelled CP.
    const cx = x(cpHeight) + BOX_PX + (COL_PX - BOX_PX) / 2
    svg.append(s('line', { x1: cx, y1: 4, x2: cx, y2: height - 4, stroke: '#3fb950', 'stroke-width': 1.5, 'stroke-dasharray': '4 3', class: 'cp-mark' },
      s('title', null, `consensus point at height ${cpHeight}`)))
    svg.append(s('text', { x: cx + 3, y: 14, fill: '#3fb950', 'font-size': 11 }, 'CP'))
  }
  for (const r of reorgs) {
    if (r.height < lay.minHeight || r.height > lay.maxHeight) continue
    svg.append(s('path', { d: `M${x(r.height) + BOX_PX / 2 - 5} 16 l5 7 l5 -7 z`, fill: '#f85149', class: 'reorg-mark' },
      s('title', null, `${r.node} reorganised, depth ${r.depth}, to height ${r.height}`)))
  }
  return svg
}
