// `npm run bench [-- filter]`: runs every scripts/bench/*.bench.ts module, prints a table
// and writes scripts/bench/results/latest.json (git-ignored).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchRow } from './harness.js'

const here = dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2]
const modules = readdirSync(here).filter(f => f.endsWith('.bench.ts')).sort()
  .filter(f => filter === undefined || f.includes(filter))

const rows: BenchRow[] = []
for (const file of modules) {
  process.stderr.write(`bench: ${file} ...\n`)
  const mod = await import(join(here, file)) as { run: () => Promise<BenchRow[]> }
  for (const r of await mod.run()) {
    if (r.bound !== undefined && r.bound !== 0) r.ratio = r.value / r.bound
    rows.push(r)
  }
}

const fmt = (n: number | undefined): string => n === undefined || Number.isNaN(n) ? '' :
  Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3)
const table = rows.map(r => [r.name, fmt(r.value), r.unit, r.bound === undefined ? '' : `${fmt(r.bound)} ${r.boundLabel ?? ''}`.trim(),
  r.ratio === undefined ? '' : r.ratio.toFixed(2), r.note ?? ''])
const head = ['figure (median)', 'value', 'unit', 'bound', 'ratio', 'note']
const widths = head.map((h, i) => Math.max(h.length, ...table.map(t => t[i].length)))
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()
console.log(line(head))
console.log(widths.map(w => '-'.repeat(w)).join('  '))
for (const t of table) console.log(line(t))

const out = join(here, 'results', 'latest.json')
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n')
console.log(`\nwrote ${out}`)
