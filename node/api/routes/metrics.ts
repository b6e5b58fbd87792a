// GET /metrics: Prometheus text exposition format 0.0.4, written by hand (a few dozen series).
import type { Router } from '../http.js'
import type { ApiDeps } from '../deps.js'

type Kind = 'gauge' | 'counter'

class Exposition {
  private readonly lines: string[] = []
  metric (name: string, kind: Kind, help: string, samples: Array<[Record<string, string>, number]> | number): void {
    this.lines.push(`# HELP tau_${name} ${help}`, `# TYPE tau_${name} ${kind}`)
    const list = typeof samples === 'number' ? [[{}, samples] as [Record<string, string>, number]] : samples
    for (const [labels, v] of list) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${x.replace(/["\\\n]/g, '_')}"`).join(',')
      this.lines.push(`tau_${name}${l ? `{${l}}` : ''} ${Number.isFinite(v) ? v : 0}`)
    }
  }

  text (): string { return this.lines.join('\n') + '\n' }
}

const labelled = (rec: Record<string, number>, label: string): Array<[Record<string, string>, number]> =>
  Object.entries(rec).map(([k, v]) => [{ [label]: k }, v])

export function metricsText ({ node, hub }: ApiDeps): string {
  const { chain, pool, peers, state, engine } = node.ctx
  const tip = chain.tip()
  const e = new Exposition()
  e.metric('chain_height', 'gauge', 'Main-chain tip height.', tip.n)
  e.metric('chain_tip_time_seconds', 'gauge', 'Tip block timestamp (unix seconds).', tip.block.t)
  e.metric('chain_consensus_point_height', 'gauge', 'Consensus point height.', chain.consensusPoint().n)
  e.metric('chain_warnings', 'gauge', 'Deep-fork warnings currently held.', chain.status().warnings.length)
  e.metric('peers_known', 'gauge', 'Known peers.', peers.size)
  e.metric('peers_seen', 'gauge', 'Peers seen on their channels.', peers.all().filter(p => p.lastSeenMs !== undefined).length)
  e.metric('pool_size', 'gauge', 'Transactions in the pool.', pool.size)
  e.metric('pool_max', 'gauge', 'Pool capacity.', pool.limits.maxTxs)
  e.metric('blocks_mined_total', 'counter', 'Blocks this node mined.', state.minedBlocks)
  e.metric('blocks_imported_total', 'counter', 'Blocks imported from peers.', state.importedBlocks)
  e.metric('reorgs_total', 'counter', 'Reorganisations.', state.reorgs)
  e.metric('voting_rounds_total', 'counter', 'Voting rounds run.', state.votingRounds)
  e.metric('syncing', 'gauge', '1 while syncing.', state.syncing ? 1 : 0)
  e.metric('ready', 'gauge', '1 once the start-up vote is done.', state.ready ? 1 : 0)
  e.metric('mining_enabled', 'gauge', '1 while mining is on.', state.miningEnabled ? 1 : 0)
  const s = engine.stats.snapshot()
  e.metric('dht_gets_total', 'counter', 'DHT gets by outcome.', labelled(s.gets, 'kind'))
  e.metric('dht_requests_total', 'counter', 'DHT network requests by kind.', labelled(s.requests, 'kind'))
  e.metric('dht_puts_total', 'counter', 'DHT puts by outcome.', labelled(s.puts, 'kind'))
  e.metric('dht_rejected_total', 'counter', 'DHT answers failing verification, by reason.', labelled(s.rejected, 'reason'))
  e.metric('dht_dropped_total', 'counter', 'Incoming DHT packets dropped, by reason.', labelled(s.dropped, 'reason'))
  e.metric('dht_queries_in_total', 'counter', 'Incoming DHT queries by type.', labelled(s.queriesIn, 'query'))
  e.metric('dht_traffic_total', 'counter', 'DHT packets and bytes.', labelled(s.traffic, 'kind'))
  e.metric('dht_verifies_total', 'counter', 'Schnorr verifications.', s.verifies)
  e.metric('dht_gauge', 'gauge', 'DHT gauges (routing nodes, stored values, own items).', labelled(s.gauges, 'name'))
  const lat: Array<[Record<string, string>, number]> = []
  for (const [op, h] of Object.entries(s.latencyMs)) {
    if (h === undefined) continue
    if (h.p50 !== null) lat.push([{ op, quantile: '0.5' }, h.p50 / 1000])
    if (h.p95 !== null) lat.push([{ op, quantile: '0.95' }, h.p95 / 1000])
  }
  e.metric('dht_latency_seconds', 'gauge', 'DHT operation latency quantiles over recent samples.', lat)
  e.metric('api_event_streams', 'gauge', 'Open /events streams.', hub.size)
  e.metric('api_event_streams_dropped_total', 'counter', 'Slow /events clients dropped.', hub.counters.dropped)
  const mem = process.memoryUsage()
  const cpu = process.cpuUsage()
  e.metric('process_resident_memory_bytes', 'gauge', 'Resident set size.', mem.rss)
  e.metric('process_heap_used_bytes', 'gauge', 'V8 heap used.', mem.heapUsed)
  e.metric('process_cpu_seconds_total', 'counter', 'User and system CPU time.', (cpu.user + cpu.system) / 1e6)
  e.metric('process_uptime_seconds', 'gauge', 'Seconds since the node started.', (Date.now() - state.startedAtMs) / 1000)
  return e.text()
}

export function addMetricsRoutes (router: Router, deps: ApiDeps): void {
  router.add('GET', '/metrics', () => ({
    raw: metricsText(deps), headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }
  }))
}
