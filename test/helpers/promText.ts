// A parser-level check of the Prometheus text format (0.0.4) for when promtool is not installed:
// the rules promtool's `check metrics` lint applies that matter here, plus the format's own.
export interface Family { name: string, type?: string, help?: string, samples: Array<{ name: string, labels: Record<string, string>, value: number }> }

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parseExposition (text: string): Map<string, Family> {
  const fams = new Map<string, Family>()
  const fam = (name: string): Family => { let f = fams.get(name); if (f === undefined) { f = { name, samples: [] }; fams.set(name, f) } return f }
  for (const line of text.split('\n')) {
    if (line === '') continue
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta !== null) { if (meta[1] === 'HELP') fam(meta[2]).help = meta[3]; else fam(meta[2]).type = meta[3]; continue }
    if (line.startsWith('#')) continue
    const m = SAMPLE.exec(line)
    if (m === null) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = l[2]
    const base = [...fams.keys()].filter(n => m[1] === n || m[1].startsWith(n + '_')).sort((a, b) => b.length - a.length)[0]
    if (base === undefined) throw new Error(`sample ${m[1]} before its TYPE line`)
    fam(base).samples.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return fams
}

/** Problems as promtool would word them (subset), plus format errors. */
export function lintExposition (text: string, prefix: string): string[] {
  const problems: string[] = []
  for (const f of parseExposition(text).values()) {
    if (f.type === undefined) problems.push(`${f.name}: no TYPE`)
    if (f.help === undefined || f.help === '') problems.push(`${f.name}: no HELP`)
    if (!f.name.startsWith(prefix)) problems.push(`${f.name}: no ${prefix} prefix`)
    for (const t of ['gauge', 'counter', 'histogram', 'summary']) if (f.name.includes(`_${t}`)) problems.push(`${f.name}: metric name should not include type '${t}'`)
    if (f.type === 'counter' && !f.name.endsWith('_total')) problems.push(`${f.name}: counter metrics should have "_total" suffix`)
    if (f.type !== 'summary' && f.samples.some(s => 'quantile' in s.labels)) problems.push(`${f.name}: non-summary metrics should not have "quantile" label`)
    if (f.type === 'histogram') {
      const buckets = f.samples.filter(s => s.name === `${f.name}_bucket`)
      if (buckets.some(s => s.labels.le === undefined)) problems.push(`${f.name}: bucket without le`)
      if (!buckets.some(s => s.labels.le === '+Inf') && f.samples.length > 0) problems.push(`${f.name}: no +Inf bucket`)
      if (f.samples.some(s => ![`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`].includes(s.name))) problems.push(`${f.name}: histogram sample outside _bucket/_sum/_count`)
    } else if (f.samples.some(s => s.name !== f.name && !(f.type === 'summary' && [`${f.name}_sum`, `${f.name}_count`].includes(s.name)))) {
      problems.push(`${f.name}: sample names differ from the family`)
    }
    if (f.samples.some(s => Number.isNaN(s.value) && s.name !== f.name)) problems.push(`${f.name}: NaN value`)
  }
  return problems
}
