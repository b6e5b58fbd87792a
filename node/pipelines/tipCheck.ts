// What a peer's tip block must show before it may order the sync queue or hold mining back
// (issue 14, item 1). A blkTip's `d` is a claim anyone can publish; the block it names, once
// fetched, is signed by its miner and, when we hold its parent, can be checked in full (PROTOCOL §5
// up to the signature: derived fields, proof-of-transaction eligibility, timestamp).
import { type Block, verifyBlockSignature } from '../../chain/block.js'
import { PROTOCOL_VERSION } from '../../chain/constants.js'
import { validateBlockHeader } from '../../chain/consensus/validateBlockHeader.js'
import { isChainError } from '../../chain/errors.js'
import { bytesEqual } from '../../chain/hex.js'
import type { Chain } from '../../chain/chain.js'
import type { TipClaim } from '../signals.js'

export type TipVerdict =
  /** Signed by its miner for our chain and matching the claim; `anchored`: its parent is ours and
   *  the whole header checked out against it. Such a tip may hold mining back (for a bounded time). */
  | { kind: 'checked', anchored: boolean }
  /** Its parent is ours but the header fails (`code`): the import will record it as invalid and
   *  penalise the peer; it never holds mining back. */
  | { kind: 'failsHeader', code: string }
  /** Not the block the claim named, another chain's, or badly signed: dropped, the peer penalised. */
  | { kind: 'bad', code: string }

/** Checks a fetched tip block against its claim and, when we hold its parent, against the parent. */
export function checkTipBlock (block: Block, claim: TipClaim, chain: Chain, nowS: number): TipVerdict {
  if (block.n !== claim.n || block.d !== claim.d || block.n === 0) return { kind: 'bad', code: 'SYNC_TIP_CLAIM_MISMATCH' }
  if (block.v !== PROTOCOL_VERSION) return { kind: 'bad', code: 'BLOCK_BAD_VERSION' }
  if (!bytesEqual(block.c, chain.genesis.chainId)) return { kind: 'bad', code: 'BLOCK_WRONG_CHAIN' }
  if (!verifyBlockSignature(block)) return { kind: 'bad', code: 'BLOCK_BAD_SIGNATURE' }
  const ctx = chain.blockContextFor(block.p, nowS)
  if (ctx === undefined) return { kind: 'checked', anchored: false }
  try {
    validateBlockHeader(block, ctx)
  } catch (e) {
    if (!isChainError(e)) throw e
    return { kind: 'failsHeader', code: e.code }
  }
  return { kind: 'checked', anchored: true }
}
