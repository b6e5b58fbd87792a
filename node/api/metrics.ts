// Prometheus metrics through prom-client (the ecosystem's library: exposition format, escaping,
// HELP/TYPE lines, histogram buckets and the default process metrics are its job, not ours).
// One registry per API server, so several nodes in one process (tests) do not share series.
// Values the node already counts elsewhere (chain, DHT, pool) are read at scrape time in each
// metric's collect(); API request durations and DHT latencies are observed as they happen.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { HistogramName } from '../../dht/stats.js'
import type { ApiNode } from './deps.js'
import type { EventHub } from './events.js'
import type { ClientLimiter } from './publicMode.js'

export const METRICS_PREFIX = 'tau_'
/** Buckets of the DHT latency histogram, in seconds (a loopback get takes ms, a lookup up to seconds). */
export const DHT_LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** Buckets of the API request duration histogram, in seconds. */
export const API_DURATION_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** DHT engine gauges by the name the engine registers them under; names not listed go to tau_dht_value{name}. */
const DHT_GAUGES: Record<string, string> = {
  routingNodes: 'dht_routing_nodes', storedValues: 'dht_stored_values', ownItems: 'dht_own_items', getQueueDepth: 'dht_get_queue_depth',
  lookupListeners: 'dht_lookup_listeners'
}
/** ...and those that only ever grow (counters, though the engine keeps them with its gauges). */
const DHT_COUNTERS: Record<string, [string, Record<string, string>]> = {
  verifyCacheHits: ['dht_verify_cache_hits_total', {}],
  getsSkippedSilentKey: ['dht_gets_skipped_silent_key_total', {}],
  pushSent: ['dht_pushes_total', { outcome: 'sent' }],
  pushOk: ['dht_pushes_total', { outcome: 'ok' }],
  pushAlreadyThere: ['dht_pushes_total', { outcome: 'already_there' }],
  pushFailed: ['dht_pushes_total', { outcome: 'failed' }]
}

const CP_HEIGHT = `${METRICS_PREFIX}chain_consensus_point_height`

type Labels = Record<string, string>
type Read = () => Array<[Labels, number]>

/** snake_case for label values taken from camelCase keys. */
const snake = (s: string): string => s.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`)
const byKey = (rec: Record<string, number>, label: string, map: (k: string) => string = snake): Array<[Labels, number]> =>
  Object.entries(rec).map(([k, v]) => [{ [label]: map(k) }, v])

export class ApiMetrics {
  readonly registry = new Registry()
  private readonly apiDuration: Histogram<'route' | 'method' | 'status'>
  private readonly dhtLatency: Histogram<'op'>
  private readonly cpHeight: Gauge
  private readonly stopDht: () => void

  constructor (private readonly node: ApiNode, hub: EventHub, limiter?: ClientLimiter) {
    const r = this.registry
    collectDefaultMetrics({ register: r, prefix: METRICS_PREFIX })
    // prom-client names these three gauges `_total`, which promtool rejects (a counter suffix):
    // dropped with their per-type breakdowns, and the total is kept under a gauge name.
    for (const n of ['active_handles_total', 'active_requests_total', 'active_resources_total', 'active_handles', 'active_requests', 'active_resources']) r.removeSingleMetric(`${METRICS_PREFIX}nodejs_${n}`)
    const { chain, pool, peers, state, engine } = node.ctx
    const gauge = (name: string, help: string, read: () => number): void => { this.mirror('gauge', name, help, [], () => [[{}, read()]]) }
    const counter = (name: string, help: string, read: () => number): void => { this.mirror('counter', name, help, [], () => [[{}, read()]]) }

    gauge('nodejs_active_resources', 'Resources keeping the event loop alive (handles, requests, timers).', () => process.getActiveResourcesInfo().length)
    gauge('chain_height', 'Main-chain tip height (blocks).', () => chain.tip().n)
    gauge('chain_tip_time_seconds', 'Tip block timestamp (unix seconds).', () => chain.tip().block.t)
    this.cpHeight = new Gauge({ name: CP_HEIGHT, help: 'Consensus point height (blocks); absent while there is none (genesis).', registers: [] })
    gauge('chain_warnings', 'Deep-fork warnings currently held.', () => chain.status().warnings.length)
    gauge('peers_known', 'Known peers.', () => peers.size)
    gauge('peers_seen', 'Peers seen on their channels.', () => peers.all().filter(p => p.lastSeenMs !== undefined).length)
    gauge('pool_transactions', 'Transactions in the pool.', () => pool.size)
    gauge('pool_capacity_transactions', 'Pool capacity (transactions).', () => pool.limits.maxTxs)
    counter('blocks_mined_total', 'Blocks this node mined.', () => state.minedBlocks)
    counter('blocks_imported_total', 'Blocks imported from peers.', () => state.importedBlocks)
    counter('reorgs_total', 'Reorganisations of the main chain.', () => state.reorgs)
    counter('voting_rounds_total', 'Voting rounds run.', () => state.votingRounds)
    gauge('syncing', '1 while syncing, else 0.', () => state.syncing ? 1 : 0)
    gauge('ready', '1 once the start-up vote is done, else 0.', () => state.ready ? 1 : 0)
    gauge('mining_enabled', '1 while mining is on, else 0.', () => state.miningEnabled ? 1 : 0)

    const dht = (): ReturnType<typeof engine.stats.snapshot> => engine.stats.snapshot()
    this.mirror('counter', 'dht_gets_total', 'DHT gets by outcome.', ['outcome'], () => byKey(dht().gets, 'outcome'))
    this.mirror('counter', 'dht_requests_total', 'DHT network requests by kind.', ['kind'], () => byKey(dht().requests, 'kind'))
    this.mirror('counter', 'dht_puts_total', 'DHT puts by outcome.', ['outcome'], () => byKey(dht().puts, 'outcome'))
    this.mirror('counter', 'dht_rejected_total', 'DHT answers failing verification, by reason.', ['reason'], () => byKey(dht().rejected, 'reason', String))
    this.mirror('counter', 'dht_dropped_total', 'Incoming DHT packets dropped, by reason.', ['reason'], () => byKey(dht().dropped, 'reason', String))
    this.mirror('counter', 'dht_queries_in_total', 'Incoming DHT queries by type.', ['query'], () => byKey(dht().queriesIn, 'query', String))
    const t = (): ReturnType<typeof dht>['traffic'] => dht().traffic
    this.mirror('counter', 'dht_packets_total', 'DHT UDP packets by direction.', ['direction'], () => [[{ direction: 'in' }, t().packetsIn], [{ direction: 'out' }, t().packetsOut]])
    this.mirror('counter', 'dht_bytes_total', 'DHT UDP bytes by direction.', ['direction'], () => [[{ direction: 'in' }, t().bytesIn], [{ direction: 'out' }, t().bytesOut]])
    this.mirror('counter', 'dht_blocked_packets_total', 'DHT packets refused by the endpoint block list, by direction.', ['direction'], () => [[{ direction: 'in' }, t().blockedIn], [{ direction: 'out' }, t().blockedOut]])
    this.mirror('counter', 'dht_errors_total', 'DHT library warnings and query-handler errors.', ['kind'], () => [[{ kind: 'warning' }, t().warnings], [{ kind: 'handler' }, t().handlerErrors]])
    counter('dht_verifies_total', 'Schnorr signature verifications.', () => dht().verifies)
    for (const [key, name] of Object.entries(DHT_GAUGES)) gauge(name, `DHT engine: ${key}.`, () => dht().gauges[key] ?? 0)
    const counterNames = new Map<string, Array<[string, Labels]>>()
    for (const [key, [name, labels]] of Object.entries(DHT_COUNTERS)) counterNames.set(name, [...(counterNames.get(name) ?? []), [key, labels]])
    for (const [name, keys] of counterNames) {
      const labelNames = Object.keys(keys[0][1])
      this.mirror('counter', name, `DHT engine: ${keys.map(k => k[0]).join(', ')}.`, labelNames, () => keys.map(([key, labels]) => [labels, dht().gauges[key] ?? 0]))
    }
    this.mirror('gauge', 'dht_value', 'Other DHT engine values, by name.', ['name'], () =>
      Object.entries(dht().gauges).filter(([k]) => DHT_GAUGES[k] === undefined && DHT_COUNTERS[k] === undefined).map(([k, v]) => [{ name: k }, v]))
    this.dhtLatency = new Histogram({ name: `${METRICS_PREFIX}dht_latency_seconds`, help: 'DHT operation latency.', labelNames: ['op'], buckets: DHT_LATENCY_BUCKETS_S, registers: [r] })
    // Each operation's label made once: the observer runs for every DHT get (a sync observes
    // ~18,000), and the snake_case regex each time was 0.5 % of its main thread.
    const names = new Map<HistogramName, string>()
    const onLatency = (op: HistogramName, ms: number): void => {
      let name = names.get(op)
      if (name === undefined) { name = snake(op); names.set(op, name) }
      this.dhtLatency.observe({ op: name }, ms / 1000)
    }
    engine.stats.observers.add(onLatency)
    this.stopDht = () => { engine.stats.observers.delete(onLatency) }

    gauge('api_event_streams', 'Open /events streams.', () => hub.size)
    counter('api_event_streams_dropped_total', 'Slow /events clients dropped.', () => hub.counters.dropped)
    counter('api_events_published_total', 'Events published to /events (ids issued).', () => hub.counters.published)
    counter('api_events_replayed_total', 'Events replayed to resuming /events clients.', () => hub.counters.replayed)
    counter('api_event_resets_total', 'Resumes refused with a reset event.', () => hub.counters.resets)
    if (limiter !== undefined) {
      this.mirror('counter', 'api_refused_requests_total', 'API requests refused by the public-mode limits, by reason.', ['reason'], () => byKey(limiter.refused, 'reason'))
      gauge('api_tracked_clients', 'Client IPs the public-mode limiter remembers.', () => limiter.tracked)
    }
    this.apiDuration = new Histogram({
      name: `${METRICS_PREFIX}api_request_duration_seconds`, help: 'API request duration, by route pattern, method and status.',
      labelNames: ['route', 'method', 'status'], buckets: API_DURATION_BUCKETS_S, registers: [r]
    })
  }

  /** A metric whose value is read from the node at scrape time. */
  private mirror (kind: 'gauge' | 'counter', name: string, help: string, labelNames: string[], read: Read): void {
    const full = `${METRICS_PREFIX}${name}`
    if (kind === 'gauge') {
      // prom-client calls collect() with the metric as `this`, just before it writes the metric out.
      new Gauge({ name: full, help, labelNames, registers: [this.registry], collect () { this.reset(); for (const [l, v] of read()) this.set(l, Number.isFinite(v) ? v : 0) } })
    } else {
      new Counter({ name: full, help, labelNames, registers: [this.registry], collect () { this.reset(); for (const [l, v] of read()) if (Number.isFinite(v) && v >= 0) this.inc(l, v) } })
    }
  }

  /** Route pattern (never the raw path: bounded label values), method, status, seconds. */
  observeRequest (route: string, method: string, status: number, seconds: number): void {
    this.apiDuration.observe({ route, method, status: String(status) }, seconds)
  }

  async text (): Promise<string> {
    // The consensus point series exists only while there is one (a 0 would read as "at genesis").
    const cp = this.node.ctx.chain.consensusPoint().n
    const registered = this.registry.getSingleMetric(CP_HEIGHT) !== undefined
    if (cp > 0) {
      this.cpHeight.set(cp)
      if (!registered) this.registry.registerMetric(this.cpHeight)
    } else if (registered) this.registry.removeSingleMetric(CP_HEIGHT)
    return this.registry.metrics()
  }

  get contentType (): string { return this.registry.contentType }

  stop (): void { this.stopDht() }
}
