// The dashboard's chart data from the last blocks (newest first, as /blocks answers): the interval
// to the parent, the base target and the block's own difficulty (its cumulative difficulty minus
// the parent's). Pure, so tests can import it.
export interface ChartBlock { height: number, time: number, baseTarget: string, cumulativeDifficulty: string }

export interface BlockSeries { x: number[], interval: number[], baseTarget: number[], difficulty: number[] }

export function blockSeries (newestFirst: ChartBlock[]): BlockSeries {
  const asc = [...newestFirst].sort((a, b) => a.height - b.height)
  const out: BlockSeries = { x: [], interval: [], baseTarget: [], difficulty: [] }
  for (let i = 1; i < asc.length; i++) {
    const b = asc[i]; const p = asc[i - 1]
    if (b.height !== p.height + 1) continue
    out.x.push(b.time)
    out.interval.push(b.time - p.time)
    out.baseTarget.push(Number(b.baseTarget))
    out.difficulty.push(Number(BigInt(b.cumulativeDifficulty) - BigInt(p.cumulativeDifficulty)))
  }
  return out
}
