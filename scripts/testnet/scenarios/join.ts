// join: a new node with an empty chain and a key outside the genesis (no power, not mining) joins
// mid-run. An empty chain triggers a voting round (PROTOCOL §6); it must end on the others' tip hash.
import type { ScenarioContext, ScenarioResult } from './types.js'

export async function join (ctx: ScenarioContext): Promise<ScenarioResult> {
  const { net } = ctx
  const startedAtMs = Date.now()
  const before = await net.waitConverged({ what: 'agreement before the join' })
  const n = await net.addNode({ mine: false })
  const joinedAtMs = Date.now()
  ctx.report({ scenario: 'join', phase: 'started', node: n.name, networkHeight: before.height })
  await net.waitHealthy({ indices: [n.index] })
  const after = await net.waitConverged({ minHeight: before.height, what: `${n.name} to sync to the network's tip` })
  return {
    name: 'join', ok: true, convergenceMs: Date.now() - joinedAtMs, startedAtMs, endedAtMs: Date.now(),
    details: {
      node: n.name, networkHeightAtJoin: before.height, heightAfter: after.height, tipAfter: after.tipId,
      votingRoundLogLines: n.events.votes,
      votingRounds: n.events.voteLog.map(v => ({ reason: v.reason ?? null, votes: v.votes ?? null, decision: v.decision ?? null })),
      importedBlocks: n.events.importedCount,
      consensusPoint: n.last?.status?.consensusPoint ?? null
    }
  }
}
