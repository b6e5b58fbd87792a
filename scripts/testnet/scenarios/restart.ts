// kill and restart: take one mining node down (SIGKILL or a graceful SIGTERM), let the others mine on,
// start it again on its own data dir and wait until every node reports the same tip hash.
import { maxBlockTimeS } from '../constants.js'
import type { Testnet } from '../network.js'
import { waitFor } from '../wait.js'
import type { ScenarioContext, ScenarioResult } from './types.js'

/** The node a scenario disturbs: the last running genesis node (node-0 stays up as a reference). */
export function victimOf (net: Testnet): number {
  const candidates = net.running.filter(n => n.inGenesis)
  if (candidates.length < 2) throw new Error('needs at least two running genesis nodes')
  return candidates[candidates.length - 1].index
}

async function downAndUp (ctx: ScenarioContext, how: 'kill' | 'restart'): Promise<ScenarioResult> {
  const { net } = ctx
  const startedAtMs = Date.now()
  const T = net.cfg.blockTime
  const victim = victimOf(net)
  const name = net.nodeAt(victim).name
  const before = await net.waitConverged({ what: `agreement before the ${how}` })
  ctx.report({ scenario: how, phase: how === 'kill' ? 'SIGKILL' : 'SIGTERM', node: name, height: before.height })
  const exit = how === 'kill' ? await net.killNode(victim) : await net.stopNode(victim)
  const cleanExit = how === 'restart' ? exit?.code === 0 && !(exit as { forced?: boolean }).forced : undefined
  // The others keep mining while it is down: wait for at least one new block (and one block time).
  const others = net.running.map(n => n.index)
  const downSince = Date.now()
  const moved = await waitFor(async () => {
    const views = await net.poll()
    const h = Math.max(0, ...others.map(i => views[i].status?.height ?? 0))
    return h > before.height && Date.now() - downSince >= (ctx.downMs ?? T * 1000) ? h : undefined
  }, { timeoutMs: 4 * maxBlockTimeS(T) * 1000, intervalMs: 1000, what: `a new block while ${name} is down`, signal: net.signal, describe: async () => await net.describe(false) })
  net.startNode(victim)
  const restartedAtMs = Date.now()
  ctx.report({ scenario: how, phase: 'restarted', node: name, othersHeight: moved })
  const after = await net.waitConverged({ minHeight: moved, what: `${name} to catch up after the ${how}` })
  const convergenceMs = Date.now() - restartedAtMs
  const ok = how === 'kill' ? true : cleanExit === true
  return {
    name: how, ok, convergenceMs, startedAtMs, endedAtMs: Date.now(),
    details: {
      node: name, heightBefore: before.height, othersHeightWhileDown: moved, heightAfter: after.height, tipAfter: after.tipId,
      downS: Math.round((restartedAtMs - downSince) / 1000), exit: exit ?? null, ...(how === 'restart' ? { cleanExit } : {})
    },
    ...(ok ? {} : { error: `${name} did not exit cleanly on SIGTERM: ${JSON.stringify(exit)}` })
  }
}

export const kill = async (ctx: ScenarioContext): Promise<ScenarioResult> => await downAndUp(ctx, 'kill')
export const restart = async (ctx: ScenarioContext): Promise<ScenarioResult> => await downAndUp(ctx, 'restart')
