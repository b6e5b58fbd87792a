// Asking one sampled key for its vote (PROTOCOL §6): its signed blkTip, the tip block it names, and the
// block that tip's `i` names, each checked before the vote counts. A key that does not answer within
// the round abstains; a key whose answer breaks a rule is penalised and its vote is void, with the code.
import { isChainError } from '../../chain/errors.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import { type Vote, checkTipBlock, confirmCheckpoint } from '../../chain/voting/vote.js'
import { PENALTY_INVALID_DATA, PENALTY_MISSING_DATA } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { TipClaim } from '../signals.js'

export type AskResult =
  | { ok: true, vote: Vote, tip: TipClaim }
  | { ok: false, code: string, reason: string }

/** Resolves with `p`, or undefined once `signal` aborts (the work behind `p` is bounded by its own timeouts). */
export function untilAborted<T> (p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined)
  return new Promise(resolve => {
    const onAbort = (): void => resolve(undefined)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(v => { signal.removeEventListener('abort', onAbort); resolve(v) },
      () => { signal.removeEventListener('abort', onAbort); resolve(undefined) })
  })
}

const noAnswer = (what: string): AskResult => ({ ok: false, code: 'VOTE_NO_ANSWER', reason: what })

export async function askVote (ctx: NodeContext, key: Uint8Array, signal: AbortSignal): Promise<AskResult> {
  const peer = ctx.peers.get(key)
  const item = await untilAborted(ctx.channels.read(key, 'blkTip', { endpoint: peer?.endpoint, signal }), signal)
  if (item === undefined || item === null) return noAnswer('no blkTip within the round')
  const tip: TipClaim = { id: item.value.h, n: item.value.n, d: item.value.d }
  ctx.router.emit({ type: 'TIP_BLOCK_FROM_PEER_FOR_VOTING', peer: key, tip })
  const block = bytesEqual(tip.id, ctx.genesis.blockId)
    ? ctx.genesis.block
    : await untilAborted(ctx.fetcher.block(tip.id, 'GET_HISTORY_BLOCK_FOR_VOTING', key), signal)
  if (block === undefined || block === null) return noAnswer(`tip block ${toHex(tip.id)} not fetched within the round`)
  try {
    const claim = checkTipBlock(block, ctx.genesis, tip.id)
    const checkpoint = claim.checkpointHeight === 0
      ? undefined
      : await untilAborted(ctx.fetcher.block(claim.checkpointId, 'GET_HISTORY_BLOCK_FOR_VOTING', key), signal)
    if (checkpoint === undefined && claim.checkpointHeight !== 0 && signal.aborted) return noAnswer('checkpoint block not fetched within the round')
    // The blkTip's `n` and `d` are claims too; the block's own height is what the checkpoint is checked against.
    return { ok: true, vote: confirmCheckpoint(claim, checkpoint ?? undefined, ctx.genesis), tip: { id: claim.tipId, n: block.n, d: block.d } }
  } catch (e) {
    if (!isChainError(e)) throw e
    // A checkpoint nobody serves may be a network hiccup; a block that breaks a rule is a lie.
    ctx.peers.penalise(key, e.code === 'VOTE_CHECKPOINT_UNKNOWN' ? PENALTY_MISSING_DATA : PENALTY_INVALID_DATA)
    return { ok: false, code: e.code, reason: e.message }
  }
}
