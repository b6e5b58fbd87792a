// Propagation from node logs: 'mined block' on the miner vs 'imported block' of the same id on every
// other node (JSON lines, winston timestamps). A block counts once every other node imported it.
import { readFileSync } from 'node:fs'

export interface BlockTimes {
  minedMs: Map<string, { node: number, t: number }>
  importedMs: Array<Map<string, number>>
  /** Parent id, height and block time (s) of every block a log line named (mined or imported). */
  blocks: Map<string, { parent?: string, height?: number, t?: number }>
}

export function readBlockTimes (logPaths: string[]): BlockTimes {
  const minedMs = new Map<string, { node: number, t: number }>()
  const importedMs = logPaths.map(() => new Map<string, number>())
  const blocks = new Map<string, { parent?: string, height?: number, t?: number }>()
  logPaths.forEach((p, i) => {
    let text = ''
    try { text = readFileSync(p, 'utf8') } catch { return }
    for (const line of text.split('\n')) {
      if (!line.startsWith('{') || !line.includes('block')) continue
      let o: { message?: string, id?: string, timestamp?: string, parent?: string, height?: number, t?: number }
      try { o = JSON.parse(line) } catch { continue }
      if (typeof o.id !== 'string' || typeof o.timestamp !== 'string') continue
      const t = Date.parse(o.timestamp)
      if ((o.message === 'mined block' || o.message === 'imported block') && !blocks.has(o.id)) {
        blocks.set(o.id, { parent: typeof o.parent === 'string' ? o.parent : undefined, height: typeof o.height === 'number' ? o.height : undefined, t: typeof o.t === 'number' ? o.t : undefined })
      }
      if (o.message === 'mined block') minedMs.set(o.id, { node: i, t })
      else if (o.message === 'imported block' && !importedMs[i].has(o.id)) importedMs[i].set(o.id, t)
    }
  })
  return { minedMs, importedMs, blocks }
}

export interface ForkCount {
  /** Mined blocks at or below the tip's height. */
  settled: number
  /** ...of them on the main chain, and off it. */
  main: number
  off: number
  /** Off-chain blocks whose main-chain sibling (same parent) carries the same block time `t`. */
  sameSecond: number
  /** For each off-chain block with a main-chain sibling: |mining time of one − the other|, ms (from the logs). */
  siblingGapsMs: number[]
}

/**
 * Forks: mined blocks that are not on the main chain ending at `tipId` (walked back through the
 * parents the logs name). Only blocks at or below the tip's height count (`settled`); one mined
 * above it may still be on its way. Block times are whole seconds, so two miners whose planned
 * time is the same second mine at the same instant whatever the propagation (`sameSecond`).
 */
export function offMainChain (bt: BlockTimes, tipId: string): ForkCount {
  const main = new Set<string>()
  let id: string | undefined = tipId
  for (let i = 0; id !== undefined && i < bt.blocks.size + 1 && !main.has(id); i++) {
    main.add(id)
    id = bt.blocks.get(id)?.parent
  }
  const tipHeight = bt.blocks.get(tipId)?.height ?? Infinity
  let settled = 0; let onMain = 0; let sameSecond = 0
  const siblingGapsMs: number[] = []
  const mainByParent = new Map<string, string>()
  for (const id of main) { const p = bt.blocks.get(id)?.parent; if (p !== undefined) mainByParent.set(p, id) }
  for (const [mined, m] of bt.minedMs) {
    const b = bt.blocks.get(mined)
    if (b?.height === undefined || b.height > tipHeight) continue
    settled++
    if (main.has(mined)) { onMain++; continue }
    const sib = b.parent === undefined ? undefined : mainByParent.get(b.parent)
    if (sib === undefined) continue
    if (b.t !== undefined && bt.blocks.get(sib)?.t === b.t) sameSecond++
    const sm = bt.minedMs.get(sib)
    if (sm !== undefined) siblingGapsMs.push(Math.abs(sm.t - m.t))
  }
  return { settled, main: onMain, off: settled - onMain, sameSecond, siblingGapsMs }
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
