// Asking one sampled key for its vote (docs/protocol.md §6): its signed blkTip, the tip block it names,
// and the block that tip's `i` names, each checked before the vote counts. The channel readers read
// the blkTip and the fetcher gets the blocks; their answers come back as signals through the router
// to the voting pipeline, which hands them to this check (voteAnswers.ts). A key that does not answer
// within the round abstains; a key whose answer breaks a rule is penalised and its vote is void, with the code.
import type { Block } from '../../chain/block.js'
import { isChainError } from '../../chain/errors.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import { type Vote, checkTipBlock, confirmCheckpoint } from '../../chain/voting/vote.js'
import { PENALTY_INVALID_DATA, PENALTY_MISSING_DATA } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { TipClaim } from '../signals.js'
import type { VoteAnswers } from './voteAnswers.js'

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

/** What a vote check uses: the key's blkTip read (its answer a signal) and the round's answers. */
export interface VoteAskDeps {
  readTip: (key: Uint8Array, signal: AbortSignal) => Promise<boolean>
  answers: VoteAnswers
}

export async function askVote (ctx: NodeContext, d: VoteAskDeps, key: Uint8Array, signal: AbortSignal): Promise<AskResult> {
  const tip = await d.answers.tipOf(key, () => untilAborted(d.readTip(key, signal), signal))
  if (tip === undefined) return noAnswer('no blkTip within the round')
  const fetchBlock = (id: Uint8Array): Promise<Block | undefined> =>
    d.answers.blockOf(id, () => untilAborted(ctx.fetcher.block(id, 'GET_HISTORY_BLOCK_FOR_VOTING', key), signal))
  const block = bytesEqual(tip.id, ctx.genesis.blockId) ? ctx.genesis.block : await fetchBlock(tip.id)
  if (block === undefined) return noAnswer(`tip block ${toHex(tip.id)} not fetched within the round`)
  try {
    const claim = checkTipBlock(block, ctx.genesis, tip.id)
    const checkpoint = claim.checkpointHeight === 0 ? undefined : await fetchBlock(claim.checkpointId)
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
