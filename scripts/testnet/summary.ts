// The final summary of a run: blocks, block intervals, reorgs, voting rounds, each scenario's
// convergence time, transactions, and per-node CPU and memory. Built from the nodes' logs and /proc.
import type { Testnet } from './network.js'
import { directRate } from './api.js'
import type { ScenarioResult } from './scenarios/types.js'
import { blockIntervalsS, mainChainFromLogs, mean, percentile, round } from './stats.js'
import type { TxCheck, TxSender } from './txSender.js'

export interface NodeSummary {
  name: string
  inGenesis: boolean
  mined: number
  imported: number
  reorgs: number
  votingRounds: number
  warnings: number
  starts: number
  cpuS: number
  cpuPercent: number | null
  rssMb: number
  peakRssMb: number
  /** The DHT endpoint it published last, its NAT group, and its direct-get success rate (0–1). */
  address: string | null
  nat: number | null
  direct: number | null
  exit: string | null
}

export interface Summary {
  ok: boolean
  error?: string
  dir: string
  kept: boolean
  chainId: string
  nodes: number
  blockTime: number
  mutableRange: number
  runS: number
  final: { converged: boolean, height: number | null, tipId: string | null }
  blocks: { mainChain: number | null, minedTotal: number, offMainChain: number | null }
  blockInterval: { meanS: number | null, p95S: number | null, samples: number, method: string }
  reorgs: { count: number, depths: number[], maxDepth: number | null }
  votingRounds: number
  scenarios: Array<{ name: string, ok: boolean, convergenceS: number | null, error?: string, details: Record<string, unknown> }>
  /** Fates of every accepted transfer at the end (see TxFate); null when no final check ran. */
  tx: { sent: number, accepted: number, rejected: number, rejectedByCode: Record<string, number>, mined: number | null, fates: Record<string, number> | null }
  perNode: NodeSummary[]
}

export interface SummaryInput {
  net: Testnet
  tx: TxSender
  results: ScenarioResult[]
  final?: { tipId: string, height: number }
  ok: boolean
  error?: string
  kept: boolean
  /** The final check of every accepted transaction, when one ran. */
  txCheck?: TxCheck
  stops?: Array<{ name: string, code: number | null, signal: NodeJS.Signals | null, forced: boolean }>
}

export function buildSummary (s: SummaryInput): Summary {
  const { net } = s
  const mined = net.nodes.flatMap(n => n.events.mined)
  const importCounts = new Map<string, number>()
  for (const n of net.nodes) for (const [id, c] of n.events.imported) importCounts.set(id, (importCounts.get(id) ?? 0) + c)
  const chain = mainChainFromLogs(mined, s.final?.tipId, importCounts)
  const intervals = blockIntervalsS(chain.blocks)
  const depths = net.nodes.flatMap(n => n.events.reorgs.map(r => r.depth))
  const uniqueMined = new Set(mined.map(m => m.id)).size
  const now = Date.now()
  return {
    ok: s.ok,
    ...(s.error !== undefined ? { error: s.error } : {}),
    dir: net.dir,
    kept: s.kept,
    chainId: net.chainIdHex,
    nodes: net.nodes.length,
    blockTime: net.cfg.blockTime,
    mutableRange: net.cfg.mutableRange,
    runS: Math.round((now - net.startedAtMs) / 1000),
    final: { converged: s.final !== undefined, height: s.final?.height ?? null, tipId: s.final?.tipId ?? null },
    blocks: {
      mainChain: s.final?.height ?? null,
      minedTotal: uniqueMined,
      offMainChain: s.final === undefined ? null : Math.max(0, uniqueMined - s.final.height)
    },
    blockInterval: { meanS: round(mean(intervals)), p95S: round(percentile(intervals, 95)), samples: intervals.length, method: chain.method },
    reorgs: { count: depths.length, depths, maxDepth: depths.length > 0 ? Math.max(...depths) : null },
    votingRounds: net.nodes.reduce((a, n) => a + n.events.votes, 0),
    scenarios: s.results.map(r => ({
      name: r.name, ok: r.ok, convergenceS: r.convergenceMs === null ? null : round(r.convergenceMs / 1000, 1),
      ...(r.error !== undefined ? { error: r.error } : {}), details: r.details
    })),
    tx: {
      sent: s.tx.sent.length + s.tx.rejected.length,
      accepted: s.tx.sent.length,
      rejected: s.tx.rejected.length,
      rejectedByCode: s.tx.rejectionCodes(),
      mined: s.txCheck?.mined ?? null,
      fates: s.txCheck === undefined
        ? null
        : { mined: s.txCheck.mined, partlyMined: s.txCheck.partlyMined, pool: s.txCheck.pool, replaced: s.txCheck.replaced, dropped: s.txCheck.dropped, lost: s.txCheck.lost, conflict: s.txCheck.conflict }
    },
    perNode: net.nodes.map(n => {
      const r = n.resources.totals(now)
      const stop = s.stops?.find(x => x.name === n.name)
      return {
        name: n.name, inGenesis: n.inGenesis, mined: n.events.mined.length, imported: n.events.importedCount,
        reorgs: n.events.reorgs.length, votingRounds: n.events.votes, warnings: n.events.warnings, starts: n.starts,
        cpuS: round(r.cpuS, 1) ?? 0, cpuPercent: round(r.cpuPercent, 1), rssMb: round(r.rssMb, 1) ?? 0, peakRssMb: round(r.peakRssMb, 1) ?? 0,
        address: n.last?.status?.endpoints?.public ?? null, nat: net.natGroups()[n.index] ?? null, direct: directRate(n.last?.status),
        exit: stop === undefined ? null : `${stop.forced ? 'SIGKILL after grace' : stop.code !== null ? `code ${stop.code}` : `signal ${String(stop.signal)}`}`
      }
    })
  }
}

const dash = (v: unknown): string => v === null || v === undefined ? '-' : String(v)

/** A text table: right-aligned numbers, two spaces between columns. */
export function formatTable (head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join('  ')
  return [line(head), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function formatSummary (s: Summary): string {
  const lines: string[] = []
  lines.push(`testnet ${s.ok ? 'PASSED' : 'FAILED'}: ${s.nodes} nodes, blockTime ${s.blockTime} s, mutableRange ${s.mutableRange}, ran ${s.runS} s, chain ${s.chainId}`)
  if (s.error !== undefined) lines.push(`error: ${s.error.split('\n')[0]}`)
  lines.push(`final tip: ${s.final.converged ? `height ${dash(s.final.height)} ${dash(s.final.tipId)} (all nodes agree)` : 'nodes did not agree'}`)
  lines.push(`blocks: ${dash(s.blocks.mainChain)} on the main chain, ${s.blocks.minedTotal} mined in all, ${dash(s.blocks.offMainChain)} off the main chain`)
  lines.push(`block interval: mean ${dash(s.blockInterval.meanS)} s, p95 ${dash(s.blockInterval.p95S)} s (${s.blockInterval.samples} intervals, ${s.blockInterval.method})`)
  lines.push(`reorgs: ${s.reorgs.count}${s.reorgs.count > 0 ? `, depths ${s.reorgs.depths.join(' ')}, max ${dash(s.reorgs.maxDepth)}` : ''}; voting rounds: ${s.votingRounds}`)
  const others = s.tx.fates === null ? [] : Object.entries(s.tx.fates).filter(([k, n]) => k !== 'mined' && n > 0)
  const fates = s.tx.fates === null || s.tx.accepted === 0 ? '' : others.length === 0 ? ' (all of them)' : ` (not mined: ${others.map(([k, n]) => `${n} ${k}`).join(', ')})`
  const codes = Object.keys(s.tx.rejectedByCode).length === 0 ? '' : ` ${JSON.stringify(s.tx.rejectedByCode)}`
  lines.push(`transactions: ${s.tx.sent} sent, ${s.tx.accepted} accepted, ${s.tx.rejected} rejected${codes}, ${dash(s.tx.mined)} mined${fates}`)
  if (s.scenarios.length > 0) {
    lines.push('scenarios:')
    for (const r of s.scenarios) {
      lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(10)} converged in ${r.convergenceS === null ? '-' : `${r.convergenceS} s`}  ${JSON.stringify(r.details)}${r.error !== undefined ? `\n       ${r.error.split('\n')[0]}` : ''}`)
    }
  }
  lines.push(formatTable(
    ['node', 'mined', 'imported', 'reorgs', 'votes', 'warns', 'starts', 'cpu s', 'cpu %', 'rss MB', 'peak MB', 'address', 'nat', 'direct', 'exit'],
    s.perNode.map(n => [n.name + (n.inGenesis ? '' : '*'), String(n.mined), String(n.imported), String(n.reorgs), String(n.votingRounds),
      String(n.warnings), String(n.starts), String(n.cpuS), dash(n.cpuPercent), String(n.rssMb), String(n.peakRssMb), dash(n.address), dash(n.nat), dash(n.direct), dash(n.exit)])
  ))
  if (s.perNode.some(n => !n.inGenesis)) lines.push('* joined mid-run, not in the genesis')
  lines.push(s.kept ? `data dirs and logs kept in ${s.dir}` : `data dirs removed (${s.dir}); use --keep to keep them`)
  return lines.join('\n')
}
