// One complete run: create, start, wait healthy, run the scenarios, reach the target (blocks or
// duration), check the final agreement on one tip hash, stop every node and build the summary.
import type { TestnetArgs } from './args.js'
import { POLL_INTERVAL_MS, TX_LOAD_MIN_BLOCK_TIMES, blocksTimeoutMs, convergeTimeoutMs, healthyTimeoutMs, maxBlockTimeS } from './constants.js'
import { Testnet } from './network.js'
import type { Reporter } from './output.js'
import { SEQUENTIAL_SCENARIOS, type ScenarioContext, type ScenarioResult, TxLoad } from './scenarios/index.js'
import { partitionMs } from './scenarios/partition.js'
import { type Summary, buildSummary } from './summary.js'
import { type TxCheck, TxSender } from './txSender.js'
import { AbortedError, waitFor, sleep } from './wait.js'
import { type Dashboard, startDashboard } from './dashboard/server.js'
import { dashboardTargets } from './dashboard/targets.js'

export type RunOptions = Omit<TestnetArgs, 'help' | 'json'> & {
  /** The script each node runs [default: bin/tau-node.js]; the tool's own tests use a stand-in. */
  nodeScript?: string
  /** Least time tx-load sends [default: TX_LOAD_MIN_BLOCK_TIMES block times]; the tool's tests shorten it. */
  txLoadMinMs?: number
}

export interface RunOutcome { summary: Summary, interrupted: boolean }

/** An upper bound on a whole run, so even the progress ticker has a bounded number of rounds. */
export function runBudgetMs (o: RunOptions): number {
  const T = o.blockTime
  const perScenario = 3 * convergeTimeoutMs(T) + partitionMs(T) + 8 * maxBlockTimeS(T) * 1000
  const target = o.durationS !== undefined ? o.durationS * 1000 : blocksTimeoutMs(o.blocks ?? 0, T)
  return healthyTimeoutMs(T) + o.scenarios.length * perScenario + target + 2 * convergeTimeoutMs(T)
}

export async function runTestnet (o: RunOptions, reporter: Reporter, signal: AbortSignal): Promise<RunOutcome> {
  const net = await Testnet.create({
    nodes: o.nodes, blockTime: o.blockTime, mutableRange: o.mutableRange, basePort: o.basePort, dir: o.dir, seed: o.seed,
    spareNodes: o.scenarios.filter(s => s === 'join').length, signal, nodeScript: o.nodeScript, link: o.link,
    netns: o.netns === true ? { nat: o.nat ?? 0 } : undefined
  })
  const t0 = Date.now()
  const report = (e: Record<string, unknown>): void => reporter.event(e, Date.now() - t0)
  const tx = new TxSender(net)
  const ctx: ScenarioContext = { net, tx, report, txRate: o.txRate }
  const results: ScenarioResult[] = []
  let final: { tipId: string, height: number } | undefined
  let error: string | undefined
  let interrupted = false
  let txCheck: TxCheck | undefined
  let ticking = true
  let ticker: Promise<void> | undefined
  let load: TxLoad | undefined
  let dashboard: Dashboard | undefined
  let loadStartedAtMs = 0
  try {
    report({ phase: 'setup', dir: net.dir, chainId: net.chainIdHex, nodes: o.nodes, basePort: net.basePort, genesis: net.genesisPath })
    // Before the nodes start, so a busy dashboard port fails the run with nothing started.
    if (o.dashboard !== undefined) {
      dashboard = await startDashboard(o.dashboard, () => dashboardTargets(net))
      report({ phase: 'dashboard', url: dashboard.url })
    }
    net.start()
    report({ phase: 'started', pids: net.nodes.map(n => n.proc?.pid ?? null) })
    const maxTicks = Math.ceil(runBudgetMs(o) / POLL_INTERVAL_MS) + 10
    ticker = (async () => {
      for (let k = 0; ticking && k < maxTicks; k++) {
        const views = await net.poll()
        if (ticking) reporter.tick(views, Date.now() - t0, net.nodes.map(n => n.events.mined.length), net.natGroups())
        try { await sleep(POLL_INTERVAL_MS, signal) } catch { return }
      }
    })()
    await net.waitHealthy()
    report({ phase: 'healthy' })
    const first = await net.waitConverged({ minHeight: 1, timeoutMs: blocksTimeoutMs(1, o.blockTime), what: 'the first block on every node' })
    report({ phase: 'first block', height: first.height, tip: first.tipId, afterS: Math.round((Date.now() - t0) / 1000) })
    for (const name of o.scenarios) {
      if (name === 'tx-load') {
        if (load === undefined) { load = new TxLoad(ctx); load.start(); loadStartedAtMs = Date.now() }
        continue
      }
      report({ scenario: name, phase: 'begin' })
      const r = await SEQUENTIAL_SCENARIOS[name](ctx)
      results.push(r)
      report({ scenario: name, phase: 'done', ok: r.ok, convergenceS: r.convergenceMs === null ? null : Math.round(r.convergenceMs / 100) / 10, ...(r.error !== undefined ? { error: r.error } : {}) })
      if (!r.ok) throw new Error(`scenario ${name} failed: ${r.error ?? 'see details'}`)
    }
    if (o.durationS !== undefined) {
      await sleep(Math.max(0, t0 + o.durationS * 1000 - Date.now()), signal)
    } else if (o.blocks !== undefined) {
      const target = o.blocks
      await waitFor(async () => {
        await net.poll()
        if (net.crashed().length > 0) return true // the final agreement check reports it
        return net.maxHeight() >= target ? true : undefined
      }, {
        timeoutMs: blocksTimeoutMs(target, o.blockTime), intervalMs: POLL_INTERVAL_MS, what: `height ${target}`, signal,
        describe: async () => await net.describe()
      })
    }
    if (load !== undefined) {
      // Scenarios before tx-load may have passed the height target already: the load still gets
      // its minimum time instead of stopping after one transfer.
      const minEnd = loadStartedAtMs + (o.txLoadMinMs ?? TX_LOAD_MIN_BLOCK_TIMES * o.blockTime * 1000)
      if (Date.now() < minEnd) {
        report({ scenario: 'tx-load', phase: 'extended', note: `the run's target was reached before tx-load had its least sending time; sending until then`, waitS: Math.ceil((minEnd - Date.now()) / 1000) })
        await sleep(minEnd - Date.now(), signal)
      }
      report({ scenario: 'tx-load', phase: 'stopping' })
      const r = await load.finish()
      load = undefined
      results.push(r)
      report({ scenario: 'tx-load', phase: 'done', ok: r.ok, ...r.details })
    }
    const f = await net.waitConverged({ minHeight: o.blocks ?? 0, what: 'the final agreement on one tip hash' })
    final = { tipId: f.tipId, height: f.height }
    report({ phase: 'converged', height: f.height, tip: f.tipId })
    if (tx.sent.length > 0) txCheck = await tx.check(tx.sent.map(s => s.id))
    const failed = results.filter(r => !r.ok)
    if (failed.length > 0) error = failed.map(r => `${r.name}: ${r.error ?? 'failed'}`).join('; ')
  } catch (e) {
    if (e instanceof AbortedError || signal.aborted) {
      interrupted = true
      error = 'interrupted'
    } else {
      error = (e as Error).message
      reporter.failure(error.includes('every node\'s state') ? error : `${error}\n${await net.describe().catch(() => '')}`)
    }
  } finally {
    ticking = false
    if (load !== undefined) await load.stop()
    await ticker
    await dashboard?.close()
    report({ phase: 'stopping', running: net.running.map(n => n.name) })
  }
  const stops = await net.stop()
  const ok = error === undefined
  const kept = o.keep || (!ok && !interrupted)
  const summary = buildSummary({ net, tx, results, final, ok, error, kept, txCheck, stops })
  if (!kept) net.removeDir()
  return { summary, interrupted }
}
