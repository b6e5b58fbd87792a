// Time-series charts of the last blocks with uPlot (made for time series, ~50 KB, canvas: one draw
// per update however many points). A chart is sized to its container and redrawn on resize.
import { CHART_HEIGHT_PX } from './constants.js'
import uPlot from 'uplot'
import { h } from './dom.js'

export interface SeriesSpec { label: string, color: string, scale?: string }

export interface Chart { el: HTMLElement, set: (x: number[], ys: number[][]) => void }


/** Axis labels that fit: 1.2M, 3.4G (base targets are large numbers). */
export function compact (v: number): string {
  const a = Math.abs(v)
  for (const [d, u] of [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (a >= d) return `${+(v / d).toFixed(2)}${u}`
  return String(+v.toFixed(2))
}

export function lineChart (title: string, series: SeriesSpec[], signal: AbortSignal): Chart {
  const box = h('div', { class: 'chart', role: 'img', 'aria-label': title })
  const el = h('figure', null, h('figcaption', null, title), box)
  let plot: uPlot | undefined
  let data: uPlot.AlignedData = [[], ...series.map(() => [])]
  const scales = [...new Set(series.map(s => s.scale ?? 'y'))]
  const opts = (width: number): uPlot.Options => ({
    width, height: CHART_HEIGHT_PX,
    scales: { x: { time: true } },
    series: [{}, ...series.map(s => ({ label: s.label, stroke: s.color, width: 2, scale: s.scale ?? 'y', points: { show: true, size: 4 } }))],
    axes: [
      { stroke: '#c9d1d9', grid: { stroke: '#30363d' } },
      ...scales.map((sc, i) => ({ scale: sc, side: i === 0 ? 3 : 1, stroke: '#c9d1d9', grid: { show: i === 0, stroke: '#30363d' }, size: 56, values: (_u: uPlot, vals: number[]) => vals.map(compact) }))
    ] as uPlot.Axis[],
    legend: { show: true }
  })
  const draw = (): void => {
    const width = Math.max(240, box.clientWidth)
    if (plot === undefined) { plot = new uPlot(opts(width), data, box); return }
    if (plot.width !== width) plot.setSize({ width, height: CHART_HEIGHT_PX })
    plot.setData(data)
  }
  const onResize = (): void => { if (plot !== undefined) plot.setSize({ width: Math.max(240, box.clientWidth), height: CHART_HEIGHT_PX }) }
  window.addEventListener('resize', onResize)
  signal.addEventListener('abort', () => { window.removeEventListener('resize', onResize); plot?.destroy() }, { once: true })
  return {
    el,
    set (x, ys) {
      data = [x, ...ys]
      // Drawn after the element is in the document, so it knows its width.
      requestAnimationFrame(() => { if (!signal.aborted) draw() })
    }
  }
}
