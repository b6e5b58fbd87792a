// The endpoint this node publishes in blkTip.e, so readers can reach it with one direct get.
// Order: the operator's --public-endpoint; else what at least 3 peers agree they see (BEP 42 `ip`,
// dht/external.ts); else the bound address when it is a concrete one; else nothing (a node bound
// to 0.0.0.0 that has not heard enough reports publishes no endpoint rather than an unreachable one).
import type { DhtEngine, Endpoint } from '../dht/index.js'
import type { ExternalView } from '../dht/external.js'
import type { NodeConfig } from './config.js'

export type EndpointSource = 'flag' | 'peers' | 'bound' | 'none'

export interface PublicEndpoint { endpoint?: Endpoint, source: EndpointSource }

const UNSPECIFIED = new Set(['0.0.0.0', '::'])

export function publicEndpointOf (cfg: Pick<NodeConfig, 'publicEndpoint'>, engine: DhtEngine): PublicEndpoint {
  if (cfg.publicEndpoint !== undefined) return { endpoint: cfg.publicEndpoint, source: 'flag' }
  const learnt = engine.external.adopted()
  if (learnt !== undefined) return { endpoint: learnt, source: 'peers' }
  if (engine.running && !UNSPECIFIED.has(engine.endpoint.host)) return { endpoint: engine.endpoint, source: 'bound' }
  return { source: 'none' }
}

/** The /status view: bound and public endpoints, how the public one was learnt, and the reports. */
export interface EndpointsStatus { bound: string | null, public: string | null, source: EndpointSource, reported: ExternalView }

export function endpointsStatus (cfg: Pick<NodeConfig, 'publicEndpoint'>, engine: DhtEngine): EndpointsStatus {
  const pub = publicEndpointOf(cfg, engine)
  const fmt = (e: Endpoint | undefined): string | null => e === undefined ? null : `${e.host}:${e.port}`
  return {
    bound: engine.running ? fmt(engine.endpoint) : null,
    public: fmt(pub.endpoint),
    source: pub.source,
    reported: engine.external.view()
  }
}
