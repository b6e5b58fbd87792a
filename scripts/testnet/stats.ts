// Summary statistics: mean and nearest-rank percentiles, and the block intervals of the final main chain
// reconstructed from every node's "mined block" log lines (every block of a local testnet was mined by
// one of its nodes, so the logs hold them all).
import type { MinedEvent } from './logEvents.js'

export function mean (xs: readonly number[]): number | null {
  if (xs.length === 0) return null
  let s = 0
  for (const x of xs) s += x
  return s / xs.length
}

/** Nearest-rank percentile (p in (0, 100]): the smallest value with at least p% of the values at or below it. */
export function percentile (xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`)
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.ceil(p / 100 * sorted.length) - 1]
}

export interface MainChain {
  /** Main-chain blocks found in the logs, by ascending height. */
  blocks: MinedEvent[]
  /** How the chain was rebuilt: by parent links from the final tip, or by choosing one block per height. */
  method: 'parent-links' | 'per-height'
}

/**
 * Rebuilds the main chain that ends at `tipId`. With parent ids in the log lines this is exact.
 * Without them it takes, per height up to the tip, the block most nodes imported (ties: the later one),
 * and the tip itself at its height: the blocks of a losing branch were imported by fewer nodes.
 */
export function mainChainFromLogs (mined: readonly MinedEvent[], tipId: string | undefined, importCounts: ReadonlyMap<string, number>): MainChain {
  const byId = new Map<string, MinedEvent>()
  for (const m of mined) if (!byId.has(m.id)) byId.set(m.id, m)
  const tip = tipId === undefined ? undefined : byId.get(tipId)
  if (tip !== undefined && tip.parent !== undefined) {
    const chain: MinedEvent[] = []
    let cur: MinedEvent | undefined = tip
    // Bounded: heights strictly decrease along parent links.
    for (let guard = tip.height + 1; cur !== undefined && guard > 0; guard--) {
      chain.push(cur)
      cur = cur.parent === undefined ? undefined : byId.get(cur.parent)
      if (cur !== undefined && cur.height >= chain[chain.length - 1].height) break
    }
    return { blocks: chain.reverse(), method: 'parent-links' }
  }
  const maxHeight = tip?.height ?? Math.max(0, ...mined.map(m => m.height))
  const best = new Map<number, MinedEvent>()
  for (const m of byId.values()) {
    if (m.height > maxHeight) continue
    const cur = best.get(m.height)
    const score = (e: MinedEvent): number => importCounts.get(e.id) ?? 0
    if (cur === undefined || score(m) > score(cur) || (score(m) === score(cur) && m.timeMs > cur.timeMs)) best.set(m.height, m)
  }
  if (tip !== undefined) best.set(tip.height, tip)
  return { blocks: [...best.values()].sort((a, b) => a.height - b.height), method: 'per-height' }
}

/** Seconds between consecutive main-chain blocks (only where the heights are adjacent). */
export function blockIntervalsS (chain: readonly MinedEvent[]): number[] {
  const out: number[] = []
  for (let i = 1; i < chain.length; i++) {
    if (chain[i].height === chain[i - 1].height + 1) out.push((chain[i].timeMs - chain[i - 1].timeMs) / 1000)
  }
  return out
}

export const round = (x: number | null, digits = 2): number | null => x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits
