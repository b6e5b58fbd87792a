// Node routes: status, health, the admin mining switches and the trusted checkpoint.
import { fromHex, toHex } from '../../../chain/hex.js'
import { describeTrusted } from '../../pipelines/trustedCheckpoint.js'
import { VERSION } from '../../version.js'
import { endpointsStatus } from '../../publicEndpoint.js'
import type { ApiNode } from '../deps.js'
import type { Router } from '../http.js'
import { requireAdmin } from '../admin.js'
import { ApiError } from '../http.js'
import { NO_STORE } from '../format.js'
import type { HealthJson, MiningJson, StatusJson } from '../types.js'

export function statusOf (node: ApiNode): StatusJson {
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
    // The branch sync under way (target, height reached, blocks/s over a recent window, ETA), else null.
    sync: ctx.state.sync?.view(Date.now()) ?? null,
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
      reason: w.reason, candidateId: toHex(w.candidateId), branchId: toHex(w.branchId), candidateHeight: w.candidateHeight, forkHeight: w.forkHeight, depth: w.depth, at: w.at, message: w.message
    })),
    // Chosen consensus points whose chain the node is still fetching (a vote's, or the operator's).
    pendingPoints: st.pendingPoints.map(p => ({ id: toHex(p.id), mode: p.mode })),
    pendingBlocks: st.pendingBlocks,
    version: VERSION,
    uptimeS: Math.floor((Date.now() - ctx.state.startedAtMs) / 1000),
    publicKey: toHex(ctx.key.publicKey),
    dht: ctx.engine.endpoint,
    // Bound and public endpoints and how the public one was learnt (docs/operations.md).
    endpoints: endpointsStatus(ctx.cfg, ctx.engine),
    // Direct gets to a peer's published endpoint that got the answer (a NAT or a wrong blkTip.e shows here).
    directGets: { attempts: ctx.engine.stats.requests.direct, answered: ctx.engine.stats.gets.direct },
    // An emulated link (testnet only): shown so a run's figures are never taken for a real network.
    link: ctx.engine.link?.view() ?? null
  }
}

export function addNodeRoutes (router: Router, node: ApiNode): void {
  router.add('GET', '/status', () => ({ body: statusOf(node), headers: NO_STORE }))

  router.add('GET', '/health', () => {
    const s = node.ctx.state
    const status = !s.ready ? 503 : s.syncing ? 206 : 200
    const body: HealthJson = { status: status === 200 ? 'synced' : status === 206 ? 'syncing' : 'not-ready' }
    return { status, body, headers: NO_STORE }
  })

  router.add('POST', '/mining/start', req => {
    requireAdmin(node, req)
    node.mining.enable()
    const body: MiningJson = { mining: true }
    return { body, headers: NO_STORE }
  })
  // The operator override of PROTOCOL §6 (docs/operations.md, "Trusted checkpoint").
  router.add('POST', '/admin/checkpoint', async req => {
    requireAdmin(node, req)
    const b = req.body as { id?: unknown } | undefined
    if (typeof b?.id !== 'string' || !/^[0-9a-fA-F]{64}$/.test(b.id)) {
      throw new ApiError('BAD_CHECKPOINT', 'body must be {"id": block id, 64 hex characters}')
    }
    const id = fromHex(b.id, 32, 'checkpoint')
    const r = await node.ctx.chain.setTrustedCheckpoint(id)
    // Not held yet: keep looking for its chain in the background; /status shows it under pendingPoints.
    if (r.kind === 'unknown') void node.trustCheckpoint(id)
    return { status: r.kind === 'unknown' ? 202 : 200, body: { id: toHex(id), result: r.kind, message: describeTrusted(r) }, headers: NO_STORE }
  })

  router.add('POST', '/mining/stop', req => {
    requireAdmin(node, req)
    node.mining.disable()
    const body: MiningJson = { mining: false }
    return { body, headers: NO_STORE }
  })
}
