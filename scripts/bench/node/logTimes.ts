// Propagation from node logs: 'mined block' on the miner vs 'imported block' of the same id on every
// other node (JSON lines, winston timestamps). A block counts once every other node imported it.
import { readFileSync } from 'node:fs'

export interface BlockTimes { minedMs: Map<string, { node: number, t: number }>, importedMs: Array<Map<string, number>> }

export function readBlockTimes (logPaths: string[]): BlockTimes {
  const minedMs = new Map<string, { node: number, t: number }>()
  const importedMs = logPaths.map(() => new Map<string, number>())
  logPaths.forEach((p, i) => {
    let text = ''
    try { text = readFileSync(p, 'utf8') } catch { return }
    for (const line of text.split('\n')) {
      if (!line.startsWith('{') || !line.includes('block')) continue
      let o: { message?: string, id?: string, timestamp?: string }
      try { o = JSON.parse(line) } catch { continue }
      if (typeof o.id !== 'string' || typeof o.timestamp !== 'string') continue
      const t = Date.parse(o.timestamp)
      if (o.message === 'mined block') minedMs.set(o.id, { node: i, t })
      else if (o.message === 'imported block' && !importedMs[i].has(o.id)) importedMs[i].set(o.id, t)
    }
  })
  return { minedMs, importedMs }
}

/** For each mined block imported by all of `nodes` except its miner: the last import minus the mining time. */
export function propagationMs (bt: BlockTimes, nodes: number[]): { delays: number[], partial: number } {
  const delays: number[] = []
  let partial = 0
  for (const [id, m] of bt.minedMs) {
    let worst = 0
    let all = true
    for (const i of nodes) {
      if (i === m.node) continue
      const t = bt.importedMs[i].get(id)
      if (t === undefined) { all = false; break }
      worst = Math.max(worst, t - m.t)
    }
    if (all) delays.push(worst); else partial++
  }
  return { delays, partial }
}
