// Node routes: status, health and the admin mining switches.
import { toHex } from '../../../chain/hex.js'
import { VERSION } from '../../version.js'
import type { TauNode } from '../../node.js'
import type { Router } from '../http.js'
import { requireAdmin } from '../admin.js'
import { NO_STORE } from '../format.js'
import type { HealthJson, MiningJson, StatusJson } from '../types.js'

export function statusOf (node: TauNode): StatusJson {
  const { ctx } = node
  const tip = ctx.chain.tip()
  const cp = ctx.chain.consensusPoint()
  const st = ctx.chain.status()
  return {
    chainId: toHex(ctx.genesis.chainId),
    genesisId: toHex(ctx.genesis.blockId),
    height: tip.n,
    tipId: toHex(tip.id),
    tipTime: tip.block.t,
    cumulativeDifficulty: tip.d.toString(),
    consensusPoint: cp.n > 0 ? { id: toHex(cp.id), height: cp.n } : null,
    syncing: ctx.state.syncing,
    ready: ctx.state.ready,
    mining: { enabled: ctx.state.miningEnabled, nextEligibleTime: ctx.state.nextEligibleTime },
    nextEligibleTime: ctx.state.nextEligibleTime,
    peers: ctx.peers.all().filter(p => p.lastSeenMs !== undefined).length,
    knownPeers: ctx.peers.size,
    poolSize: ctx.pool.size,
    minedBlocks: ctx.state.minedBlocks,
    importedBlocks: ctx.state.importedBlocks,
    reorgs: ctx.state.reorgs,
    votingRounds: ctx.state.votingRounds,
    warnings: st.warnings.map(w => w.message),
    warningDetails: st.warnings.map(w => ({
      reason: w.reason, candidateId: toHex(w.candidateId), candidateHeight: w.candidateHeight, forkHeight: w.forkHeight, depth: w.depth, at: w.at, message: w.message
    })),
    pendingBlocks: st.pendingBlocks,
    version: VERSION,
    uptimeS: Math.floor((Date.now() - ctx.state.startedAtMs) / 1000),
    publicKey: toHex(ctx.key.publicKey),
    dht: ctx.engine.endpoint
  }
}

export function addNodeRoutes (router: Router, node: TauNode): void {
  router.add('GET', '/status', () => ({ body: statusOf(node), headers: NO_STORE }))

  router.add('GET', '/health', () => {
    const s = node.ctx.state
    const status = !s.ready ? 503 : s.syncing ? 206 : 200
    const body: HealthJson = { status: status === 200 ? 'synced' : status === 206 ? 'syncing' : 'not-ready' }
    return { status, body, headers: NO_STORE }
  })

  router.add('POST', '/mining/start', req => {
    requireAdmin(node, req)
    node.mining.start()
    const body: MiningJson = { mining: true }
    return { body, headers: NO_STORE }
  })
  router.add('POST', '/mining/stop', req => {
    requireAdmin(node, req)
    node.mining.stop()
    const body: MiningJson = { mining: false }
    return { body, headers: NO_STORE }
  })
}
