// A vote (PROTOCOL §6) is the checkpoint `i` of a peer's current tip block, read through the
// peer's signed blkTip item. The tip block must carry this chain id and verify its signature.
import { ChainError } from '../errors.js'
import { VOTE_STALE_TIP_RANGES } from '../constants.js'
import { type Block, blockId, verifyBlockSignature } from '../block.js'
import type { Genesis } from '../genesis.js'
import { bytesEqual } from '../hex.js'
import { checkpointHeight } from '../consensus/pot.js'

export interface Vote {
  /** The checkpoint the peer's tip names (its `i`). */
  checkpointId: Uint8Array
  /** cp(n) of the tip: the checkpoint's height. */
  height: number
  /** The tip block the vote was read from. */
  tipId: Uint8Array
}

/**
 * Turns a decoded tip block into a vote. `expectedTipId`, when given, is the `h` of the peer's
 * blkTip item: the block must be the one the item names.
 */
export function voteFromTipBlock (block: Block, genesis: Genesis, expectedTipId?: Uint8Array): Vote {
  if (!bytesEqual(block.c, genesis.chainId)) throw new ChainError('VOTE_WRONG_CHAIN', 'tip block carries another chain id')
  const tipId = blockId(block)
  if (expectedTipId !== undefined && !bytesEqual(tipId, expectedTipId)) {
    throw new ChainError('VOTE_TIP_MISMATCH', 'tip block is not the block the blkTip item names')
  }
  // Genesis is derived, never signed; any other tip must verify.
  if (block.n === 0 ? !bytesEqual(tipId, genesis.blockId) : !verifyBlockSignature(block)) {
    throw new ChainError('VOTE_BAD_SIGNATURE', 'tip block signature does not verify')
  }
  // cp(0) = 0 names the genesis block itself, but genesis carries 32 zero bytes in `i` (it cannot
  // hold its own id). A peer still at genesis votes for genesis, not for a block that cannot exist
  // (docs/protocol-notes.md §6).
  const checkpointId = block.n === 0 ? genesis.blockId : block.i
  return { checkpointId, height: checkpointHeight(block.n, genesis.config.mutableRange), tipId }
}

/** §6 trigger: a tip older than 3·M·T seconds calls for a voting round. */
export function isTipStale (tipT: number, now: number, genesis: Genesis): boolean {
  const { mutableRange, blockTime } = genesis.config
  return now - tipT > VOTE_STALE_TIP_RANGES * mutableRange * blockTime
}
