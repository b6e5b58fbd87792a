// partition: split the running nodes in two groups whose DHTs drop each other's UDP traffic
// (POST /admin/dht/block; loopback cannot be split otherwise without root), let both sides mine and
// take transfers for a while, heal, and check that every node ends on one tip hash and that no
// transfer is lost: those mined on the losing side are back in the pool or mined again.
import { judgeConvergence } from '../convergence.js'
import { CONVERGE_POLL_INTERVAL_MS, maxBlockTimeS } from '../constants.js'
import type { Testnet } from '../network.js'
import type { TxCheck } from '../txSender.js'
import { AbortedError, waitFor } from '../wait.js'
import type { ScenarioContext, ScenarioResult } from './types.js'

export const partitionMs = (blockTimeS: number): number => Math.max(30_000, 4 * blockTimeS * 1000)

/** Two groups of running nodes: the first half (rounded up) and the rest. */
export function splitInTwo (indices: readonly number[]): [number[], number[]] {
  const k = Math.ceil(indices.length / 2)
  return [indices.slice(0, k), indices.slice(k)]
}

const minedBy = (net: Testnet, group: number[]): number => group.reduce((s, i) => s + net.nodeAt(i).events.mined.length, 0)
const counts = (c: TxCheck): Record<string, number> =>
  ({ mined: c.mined, partlyMined: c.partlyMined, pool: c.pool, replaced: c.replaced, dropped: c.dropped, lost: c.lost, conflict: c.conflict })

export async function partition (ctx: ScenarioContext): Promise<ScenarioResult> {
  const { net, tx } = ctx
  const T = net.cfg.blockTime
  const startedAtMs = Date.now()
  const before = await net.waitConverged({ what: 'agreement before the partition' })
  const [a, b] = splitInTwo(net.running.map(n => n.index))
  const names = (g: number[]): string[] => g.map(i => net.nodeAt(i).name)
  const minedBefore = [minedBy(net, a), minedBy(net, b)]
  try {
    await net.partition([a, b])
  } catch (e) {
    throw new Error(`cannot partition (node contract: POST /admin/dht/block with the admin token): ${(e as Error).message}`)
  }
  const splitAtMs = Date.now()
  ctx.report({ scenario: 'partition', phase: 'split', groups: [names(a), names(b)], height: before.height })

  // Both sides take transfers from their own accounts while split: one per side every T/2 seconds, from
  // the side's first genesis node's account (a load account when a side has only joined nodes).
  const ids: string[] = []
  const pick = (g: number[], side: number): { from: number, via: number } => {
    const home = g.find(i => net.nodeAt(i).inGenesis)
    return home !== undefined ? { from: home, via: home } : { from: net.cfg.nodes + side, via: g[0] }
  }
  const picked = [pick(a, 0), pick(b, 1)]
  const senders = picked.map(p => p.from)
  const vias = picked.map(p => p.via)
  // The split lasts at least `span`, and longer (bounded) until each side has mined a block of its own:
  // a side's next block can take up to 2·MAX_BT (the miner staggers liveness blocks by power).
  const span = ctx.partitionMs ?? partitionMs(T)
  const maxSpan = span + (2 * maxBlockTimeS(T) + T) * 1000
  const step = Math.max(1000, Math.floor(T * 1000 / 2))
  const bothMined = (): boolean => minedBy(net, a) > minedBefore[0] && minedBy(net, b) > minedBefore[1]
  for (let k = 0; k < Math.ceil(maxSpan / step) + 1; k++) {
    const elapsed = Date.now() - splitAtMs
    if (elapsed >= maxSpan || (elapsed >= span && bothMined())) break
    const sent = await Promise.all(senders.map(async (from, side) => await tx.send(from, senders[1 - side], 'partition', vias[side])))
    for (const s of sent) if (s !== undefined) ids.push(s.id)
    await net.sleep(Math.min(step, Math.max(0, (elapsed < span ? span : maxSpan) - (Date.now() - splitAtMs))))
  }
  const views = await net.poll()
  const sides = [judgeConvergence(a.map(i => views[i])), judgeConvergence(b.map(i => views[i]))]
  const minedDuring = [minedBy(net, a) - minedBefore[0], minedBy(net, b) - minedBefore[1]]
  const beforeHeal = await tx.check(ids)
  const minedBeforeHeal = ids.filter(id => { const f = beforeHeal.fates.get(id); return f === 'mined' || f === 'partly-mined' })
  ctx.report({
    scenario: 'partition', phase: 'heal', sideTips: sides.map(s => s.groups.map(g => `${g.height}:${g.tipId.slice(0, 10)}`)),
    minedDuring, transfers: ids.length
  })

  const reorgsBefore = net.nodes.map(n => n.events.reorgs.length)
  await net.heal()
  const healedAtMs = Date.now()
  const maxSideHeight = Math.max(...sides.flatMap(s => s.groups.map(g => g.height)))
  const after = await net.waitConverged({ minHeight: maxSideHeight, what: 'agreement after healing the partition' })
  const convergenceMs = Date.now() - healedAtMs

  // Give the transfers a bounded time to be mined on the common chain, then judge (pool is acceptable).
  let final = await tx.check(ids)
  try {
    final = await waitFor(async () => {
      const c = await tx.check(ids)
      final = c
      return c.mined === ids.length ? c : undefined
    }, { timeoutMs: 6 * maxBlockTimeS(T) * 1000, intervalMs: CONVERGE_POLL_INTERVAL_MS * 4, what: 'the partition transfers to be mined', signal: net.signal })
  } catch (e) {
    if (e instanceof AbortedError) throw e
    // Not all mined in time: judged below from the last check (pool is acceptable, lost is not).
  }
  const lostMined = minedBeforeHeal.filter(id => final.fates.get(id) === 'lost')
  const reorgs = net.nodes.flatMap((n, i) => n.events.reorgs.slice(reorgsBefore[i] ?? 0).map(r => ({ node: n.name, depth: r.depth })))
  const bothSidesMined = minedDuring[0] > 0 && minedDuring[1] > 0
  const problems: string[] = []
  if (!bothSidesMined) problems.push(`both sides should mine while split, mined ${minedDuring.join(' and ')}`)
  if (final.lost > 0) problems.push(`${final.lost} transfers lost (${lostMined.length} of them had been mined before the heal)`)
  if (final.conflict > 0) problems.push(`${final.conflict} transfers mined in different blocks on different nodes`)
  return {
    name: 'partition', ok: problems.length === 0, convergenceMs, startedAtMs, endedAtMs: Date.now(),
    details: {
      groups: [names(a), names(b)], splitS: Math.round((healedAtMs - splitAtMs) / 1000), minedDuring,
      sideTips: sides.map(s => s.groups.map(g => ({ height: g.height, tipId: g.tipId, nodes: g.nodes }))),
      // No node of one side shares a tip with a node of the other (a side may be mid-propagation).
      tipsDiverged: sides[0].groups.length > 0 && sides[1].groups.length > 0 &&
        !sides[0].groups.some(g => sides[1].groups.some(h => h.tipId === g.tipId)),
      heightAfter: after.height, tipAfter: after.tipId, reorgsAfterHeal: reorgs,
      transfers: ids.length, minedBeforeHeal: minedBeforeHeal.length, beforeHeal: counts(beforeHeal), final: counts(final),
      lostTransfers: tx.sent.filter(s => final.fates.get(s.id) === 'lost').slice(0, 5).map(s => ({ id: s.id, from: s.from, via: s.via, nonce: s.nonce }))
    },
    ...(problems.length > 0 ? { error: problems.join('; ') } : {})
  }
}
