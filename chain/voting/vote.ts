// A vote (PROTOCOL §6) is the checkpoint `i` of a sampled key's tip block, read through the key's
// signed blkTip item. Version 2 checks the vote against its own claims before it counts: the tip
// block carries this chain id, verifies under its miner key, is the block the blkTip names, and its
// `i` is a block at exactly cp(n) of the tip's own height. Whether the chain behind it is valid is
// settled when the chain is fetched (adoption), not here.
import { ChainError } from '../errors.js'
import { VOTE_STALE_TIP_RANGES } from '../constants.js'
import { type Block, blockId, verifyBlockSignature } from '../block.js'
import type { Genesis } from '../genesis.js'
import { bytesEqual, toHex } from '../hex.js'
import { checkpointHeight } from '../consensus/pot.js'

export interface Vote {
  /** The checkpoint the key's tip names (its `i`; genesis for a tip at genesis). */
  checkpointId: Uint8Array
  /** cp(n) of the tip, which the checkpoint block was checked to have. */
  height: number
  /** The tip block the vote was read from. */
  tipId: Uint8Array
}

/** What a tip block claims, checked before its checkpoint is looked up (VOTE_* codes). */
export interface TipClaimChecked {
  tipId: Uint8Array
  /** The id the tip's `i` names (genesis for a tip at height 0, whose `i` is zero bytes). */
  checkpointId: Uint8Array
  /** The height that checkpoint must have: cp(tip.n). */
  checkpointHeight: number
}

/**
 * First half of a vote's check: chain id, the blkTip's `h`, the signature. `expectedTipId` is the `h` of
 * the key's blkTip item. Throws VOTE_WRONG_CHAIN, VOTE_TIP_MISMATCH or VOTE_BAD_SIGNATURE.
 */
export function checkTipBlock (block: Block, genesis: Genesis, expectedTipId?: Uint8Array): TipClaimChecked {
  if (!bytesEqual(block.c, genesis.chainId)) throw new ChainError('VOTE_WRONG_CHAIN', 'tip block carries another chain id')
  const tipId = blockId(block)
  if (expectedTipId !== undefined && !bytesEqual(tipId, expectedTipId)) {
    throw new ChainError('VOTE_TIP_MISMATCH', 'tip block is not the block the blkTip item names')
  }
  // Genesis is derived, never signed; any other tip must verify.
  if (block.n === 0 ? !bytesEqual(tipId, genesis.blockId) : !verifyBlockSignature(block)) {
    throw new ChainError('VOTE_BAD_SIGNATURE', 'tip block signature does not verify')
  }
  // cp(0) = 0 names genesis itself, but genesis carries 32 zero bytes in `i` (it cannot hold its own
  // id): a key still at genesis votes for genesis (docs/protocol-notes.md §6).
  const checkpointId = block.n === 0 ? genesis.blockId : block.i
  return { tipId, checkpointId, checkpointHeight: checkpointHeight(block.n, genesis.config.mutableRange) }
}

/**
 * Second half: the block the tip's `i` names must exist, be of this chain, and stand at cp(n). A tip
 * that claims a made-up height cannot name a real block at the matching checkpoint height.
 * `checkpoint` is the block found under the id (undefined when it could not be had).
 * Throws VOTE_CHECKPOINT_UNKNOWN or VOTE_CHECKPOINT_MISMATCH.
 */
export function confirmCheckpoint (claim: TipClaimChecked, checkpoint: Block | undefined, genesis: Genesis): Vote {
  const vote = { checkpointId: claim.checkpointId, height: claim.checkpointHeight, tipId: claim.tipId }
  if (claim.checkpointHeight === 0) {
    if (!bytesEqual(claim.checkpointId, genesis.blockId)) {
      throw new ChainError('VOTE_CHECKPOINT_MISMATCH', `the tip's height puts its checkpoint at genesis, but it names ${toHex(claim.checkpointId)}`)
    }
    return vote
  }
  if (checkpoint === undefined) {
    throw new ChainError('VOTE_CHECKPOINT_UNKNOWN', `checkpoint ${toHex(claim.checkpointId)} could not be fetched`)
  }
  if (!bytesEqual(blockId(checkpoint), claim.checkpointId) || !bytesEqual(checkpoint.c, genesis.chainId) || checkpoint.n !== claim.checkpointHeight) {
    throw new ChainError('VOTE_CHECKPOINT_MISMATCH', `checkpoint ${toHex(claim.checkpointId)} is at height ${checkpoint.n}, not cp(n) = ${claim.checkpointHeight}`)
  }
  return vote
}

/** Both halves at once, for callers that hold the checkpoint block (tests, tools). */
export function voteFromTipBlock (block: Block, genesis: Genesis, expectedTipId: Uint8Array | undefined, checkpoint: Block | undefined): Vote {
  return confirmCheckpoint(checkTipBlock(block, genesis, expectedTipId), checkpoint, genesis)
}

/** §6 trigger: a tip older than 3·M·T seconds calls for a voting round. */
export function isTipStale (tipT: number, now: number, genesis: Genesis): boolean {
  const { mutableRange, blockTime } = genesis.config
  return now - tipT > VOTE_STALE_TIP_RANGES * mutableRange * blockTime
}
