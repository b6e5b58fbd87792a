// What the route files share: the node, the live-event hub and the metrics registry.
import type { TauNode } from '../node.js'
import type { EventHub } from './events.js'
import type { ApiMetrics } from './metrics.js'

export interface ApiDeps {
  node: TauNode
  hub: EventHub
  metrics: ApiMetrics
}

/**
 * Deep enough to be final: at or below the consensus point, or more than 3·M blocks under the
 * tip (a deeper fork is refused with a warning, PROTOCOL §6). Only final answers that name a
 * main-chain position are cached as immutable.
 */
export function isFinal (node: TauNode, n: number): boolean {
  const { chain, genesis } = node.ctx
  return n <= chain.consensusPoint().n || chain.tip().n - n > 3 * genesis.config.mutableRange
}
