// What the route files share: the part of the node they read (ApiNode), the live-event hub and
// the metrics registry.
import type { VoteResult } from '../../chain/chain.js'
import type { NodeContext } from '../context.js'
import type { Logger } from '../logger.js'
import type { MessagesPipeline } from '../pipelines/messages.js'
import type { MiningPipeline } from '../pipelines/mining.js'
import type { PoolPipeline } from '../pipelines/pool.js'
import type { EventHub } from './events.js'
import type { ApiMetrics } from './metrics.js'

/**
 * What the API reads and calls on the node, and nothing else (TauNode provides it): the ledger,
 * pool, peers, DHT, state and events of the context; the pipelines' operator entry points; the
 * admin token and the trusted-checkpoint call.
 */
export interface ApiNode {
  readonly ctx: Pick<NodeContext, 'chain' | 'pool' | 'peers' | 'engine' | 'events' | 'state' | 'genesis' | 'key' | 'cfg'>
  readonly log: Logger
  readonly adminToken: string
  readonly mining: Pick<MiningPipeline, 'enable' | 'disable'>
  readonly poolPipeline: Pick<PoolPipeline, 'submit' | 'dropped'>
  readonly messages: Pick<MessagesPipeline, 'friends' | 'requests' | 'send' | 'list' | 'conversation' | 'addFriend' | 'removeFriend'>
  trustCheckpoint (id: Uint8Array): Promise<VoteResult | undefined>
}

export interface ApiDeps {
  node: ApiNode
  hub: EventHub
  metrics: ApiMetrics
}

/**
 * Deep enough to be final: at or below the consensus point, or more than 3·M blocks under the
 * tip (a deeper fork is refused with a warning, PROTOCOL §6). Only final answers that name a
 * main-chain position are cached as immutable.
 */
export function isFinal (node: ApiNode, n: number): boolean {
  const { chain, genesis } = node.ctx
  return n <= chain.consensusPoint().n || chain.tip().n - n > 3 * genesis.config.mutableRange
}
