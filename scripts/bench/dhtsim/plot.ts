// The simulation's plot, written as SVG text (no plotting dependency): three panels against the
// network size N on a log2 axis: mean lookup hops (with Kademlia's expected ⌈log2 N / b⌉), and latency
// p50 and p95 per lookup (with the per-query timeout); mutable and immutable gets, 0 % and 20 % of
// the nodes silent.

export interface PlotPoint { n: number, kind: 'mutable' | 'immutable', silentPct: number, hops: number, p50: number, p95: number }

export interface PlotInput { points: PlotPoint[], expectedHops: (n: number) => number, queryTimeoutMs: number, caption: string }

const W = 300
const H = 240
const PAD = { l: 48, r: 12, t: 28, b: 40 }
const COLOR = { mutable: '#1f5fbf', immutable: '#2e8b3d', expected: '#b03030' }

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const fmt = (x: number): string => (Math.round(x * 10) / 10).toString()

function niceMax (x: number): number {
  if (!(x > 0)) return 1
  const p = 10 ** Math.floor(Math.log10(x))
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p
  return 10 * p
}

interface Series { label: string, color: string, dash: boolean, pts: Array<[number, number]> }

function panel (ox: number, title: string, unit: string, sizes: number[], series: Series[], refLine?: { y: number, label: string }): string {
  const xs = sizes.map(n => Math.log2(n))
  const x0 = Math.min(...xs) - 0.3
  const x1 = Math.max(...xs) + 0.3
  const yMax = niceMax(Math.max(refLine?.y ?? 0, ...series.flatMap(s => s.pts.map(p => p[1]))) * 1.1)
  const px = (n: number): number => ox + PAD.l + ((Math.log2(n) - x0) / (x1 - x0)) * (W - PAD.l - PAD.r)
  const py = (y: number): number => PAD.t + (1 - y / yMax) * (H - PAD.t - PAD.b)
  const out: string[] = []
  out.push(`<text x="${ox + W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>`)
  out.push(`<line x1="${ox + PAD.l}" y1="${H - PAD.b}" x2="${ox + W - PAD.r}" y2="${H - PAD.b}" stroke="#444"/>`)
  out.push(`<line x1="${ox + PAD.l}" y1="${PAD.t}" x2="${ox + PAD.l}" y2="${H - PAD.b}" stroke="#444"/>`)
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4
    out.push(`<line x1="${ox + PAD.l - 3}" y1="${py(y)}" x2="${ox + W - PAD.r}" y2="${py(y)}" stroke="#ddd"/>`)
    out.push(`<text x="${ox + PAD.l - 5}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`)
  }
  for (const n of sizes) {
    out.push(`<text x="${px(n)}" y="${H - PAD.b + 15}" text-anchor="middle">${n}</text>`)
  }
  out.push(`<text x="${ox + W / 2}" y="${H - 8}" text-anchor="middle">nodes N (log scale)</text>`)
  out.push(`<text x="${ox + 12}" y="${(PAD.t + H - PAD.b) / 2}" text-anchor="middle" transform="rotate(-90 ${ox + 12} ${(PAD.t + H - PAD.b) / 2})">${esc(unit)}</text>`)
  if (refLine !== undefined) {
    out.push(`<line x1="${ox + PAD.l}" y1="${py(refLine.y)}" x2="${ox + W - PAD.r}" y2="${py(refLine.y)}" stroke="${COLOR.expected}" stroke-dasharray="2 3"/>`)
    out.push(`<text x="${ox + W - PAD.r}" y="${py(refLine.y) - 4}" text-anchor="end" fill="${COLOR.expected}">${esc(refLine.label)}</text>`)
  }
  for (const s of series) {
    if (s.pts.length === 0) continue
    const d = s.pts.map(([n, y], i) => `${i === 0 ? 'M' : 'L'}${px(n).toFixed(1)},${py(y).toFixed(1)}`).join(' ')
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="6 4"' : ''}><title>${esc(s.label)}</title></path>`)
    for (const [n, y] of s.pts) out.push(`<circle cx="${px(n).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.label}, N=${n}: ${fmt(y)}`)}</title></circle>`)
  }
  return out.join('\n')
}

export function drawPlot (p: PlotInput): string {
  const sizes = [...new Set(p.points.map(x => x.n))].sort((a, b) => a - b)
  const silents = [...new Set(p.points.map(x => x.silentPct))].sort((a, b) => a - b)
  const series = (y: (x: PlotPoint) => number): Series[] => (['mutable', 'immutable'] as const).flatMap(kind => silents.map(s => ({
    label: `${kind}, ${s}% silent`,
    color: COLOR[kind],
    dash: s > 0,
    pts: p.points.filter(x => x.kind === kind && x.silentPct === s).sort((a, b) => a.n - b.n).map(x => [x.n, y(x)] as [number, number])
  })))
  const expected: Series = { label: 'Kademlia ⌈log2 N / b⌉', color: COLOR.expected, dash: true, pts: sizes.map(n => [n, p.expectedHops(n)]) }
  const width = 3 * W
  const legendY = H + 14
  const legend = [...series(x => x.hops), expected].map((s, i) => {
    const x = 10 + (i % 3) * 300
    const y = legendY + Math.floor(i / 3) * 16
    return `<line x1="${x}" y1="${y - 4}" x2="${x + 28}" y2="${y - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="6 4"' : ''}/><text x="${x + 34}" y="${y}">${esc(s.label)}</text>`
  }).join('\n')
  const rowsOfLegend = Math.ceil((series(x => x.hops).length + 1) / 3)
  const height = legendY + rowsOfLegend * 16 + 20
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    panel(0, 'Lookup hops (mean)', 'hops', sizes, [...series(x => x.hops), expected]),
    panel(W, 'Latency per lookup, p50', 'ms', sizes, series(x => x.p50)),
    panel(2 * W, 'Latency per lookup, p95', 'ms', sizes, series(x => x.p95), { y: p.queryTimeoutMs, label: 'query timeout' }),
    legend,
    `<text x="10" y="${height - 6}" fill="#555">${esc(p.caption)}</text>`,
    '</svg>',
    ''
  ].join('\n')
}
