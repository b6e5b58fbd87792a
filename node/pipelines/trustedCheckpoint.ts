// The operator's trusted checkpoint (PROTOCOL §6 override, like Bitcoin Core's invalidateblock /
// reconsiderblock): given at start (--checkpoint) or through POST /admin/checkpoint, it becomes the
// consensus point once its chain is held and valid, whatever the votes or ranges say. While the block
// is not held, the node looks for it by id (a recursive lookup of the immutable item) and fetches the
// branch behind it, again every TRUSTED_CHECKPOINT_RETRY_MS, and says so in the log and /status.
import { setTimeout as delay } from 'node:timers/promises'
import { toHex } from '../../chain/hex.js'
import type { VoteResult } from '../../chain/chain.js'
import { TRUSTED_CHECKPOINT_RETRY_MS } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { BranchFetch } from './voting.js'

/** Nobody in particular: the checkpoint came from the operator, so no peer is blamed for a miss. */
const OPERATOR = new Uint8Array(32)

export function describeTrusted (r: VoteResult): string {
  switch (r.kind) {
    case 'kept': return `on our chain; consensus point at height ${r.consensusPoint.n}`
    case 'reorged': return `switched to its branch (depth ${r.depth}); it is the consensus point`
    case 'unknown': return 'not held yet: looking for its chain'
    case 'refused': return r.warning.message
  }
}

/** Applies `id` and, while it is not held, keeps fetching its chain until it is or the node stops. */
export async function followTrustedCheckpoint (ctx: NodeContext, sync: BranchFetch, id: Uint8Array): Promise<VoteResult> {
  const hex = toHex(id)
  for (let attempt = 0; ; attempt++) {
    const r = await ctx.chain.setTrustedCheckpoint(id)
    if (r.kind !== 'unknown' || ctx.signal.aborted) {
      ctx.log.info('trusted checkpoint', { id: hex, result: describeTrusted(r) })
      return r
    }
    if (attempt === 0) ctx.log.warn('trusted checkpoint not held yet: waiting for its chain (see /status pendingPoints)', { id: hex })
    const block = await ctx.fetcher.block(id, 'GET_HISTORY_BLOCK_FOR_VOTING')
    if (block !== null) {
      await sync.fetchBranchFor(OPERATOR, { id, n: block.n, d: block.d }, AbortSignal.timeout(TRUSTED_CHECKPOINT_RETRY_MS * 6))
      if (ctx.chain.hasBlock(id)) continue
    }
    try {
      await delay(TRUSTED_CHECKPOINT_RETRY_MS, undefined, { signal: ctx.signal })
    } catch {
      return r // the node is stopping
    }
  }
}
