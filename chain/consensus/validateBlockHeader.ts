// Block header validation (PROTOCOL §5, up to and including the signature), as a row of small
// verb-named steps in protocol order. Each failure is a ChainError with its own BLOCK_* code, so
// peers that send invalid blocks can be penalised by code, and tests can pin each rule.
import { ChainError, type ChainErrorCode } from '../errors.js'
import { MAX_FUTURE_DRIFT_S, PROTOCOL_VERSION } from '../constants.js'
import { type Block, blockId, verifyBlockSignature } from '../block.js'
import type { Genesis } from '../genesis.js'
import { bytesEqual, toHex } from '../hex.js'
import type { StateView } from '../state/account.js'
import {
  checkpointHeight, cumulativeDifficulty, effectivePower, generationSignature, hitOf, isEligible, nextBaseTarget, potParams
} from './pot.js'

export interface BlockContext {
  genesis: Genesis
  parent: Block
  /** Block at height parent.n − 3 on the parent's own chain (undefined if parent.n < 3). */
  ancestor3?: Block
  /** Id of the block at height checkpointHeight(block.n, M) on the parent's chain. */
  checkpointId: Uint8Array
  /** Account state after `parent`. */
  parentState: StateView
  /** Unix seconds. */
  now: number
}

/** The header fields a child of ctx.parent mined by `minerKey` must carry (§4): b, g and d. */
export interface DerivedFields { b: bigint, g: Uint8Array, d: bigint }

export function deriveChildFields (ctx: Pick<BlockContext, 'genesis' | 'parent' | 'ancestor3'>, minerKey: Uint8Array): DerivedFields {
  const { parent, ancestor3 } = ctx
  if (parent.n >= 3 && (ancestor3 === undefined || ancestor3.n !== parent.n - 3)) {
    // A caller bug, not a bad block: the chain must hand us the parent's own ancestor.
    throw new ChainError('BLOCK_CONTEXT_BAD_ANCESTOR', `need the ancestor at height ${parent.n - 3}`, { height: parent.n - 3 })
  }
  const b = nextBaseTarget(parent, ancestor3, ctx.genesis.config.blockTime)
  return { b, g: generationSignature(parent.g, minerKey), d: cumulativeDifficulty(parent.d, b) }
}

/** Effective power of `key` in the parent's state (0 for an unknown account). */
export function minerEffectivePower (state: StateView, key: Uint8Array): bigint {
  return effectivePower(state.getAccount(key)?.power ?? 0)
}

function fail (code: ChainErrorCode, message: string, data?: Record<string, unknown>): never {
  throw new ChainError(code, message, data)
}

export function verifyVersionAndChain (block: Block, ctx: BlockContext): void {
  if (block.v !== PROTOCOL_VERSION) fail('BLOCK_BAD_VERSION', `version ${block.v}, expected ${PROTOCOL_VERSION}`)
  if (!bytesEqual(block.c, ctx.genesis.chainId)) fail('BLOCK_WRONG_CHAIN', 'block carries another chain id')
}

export function verifyParentLink (block: Block, ctx: BlockContext): void {
  if (!bytesEqual(block.p, blockId(ctx.parent))) fail('BLOCK_BAD_PARENT', 'p is not the id of the given parent')
  if (block.n !== ctx.parent.n + 1) {
    fail('BLOCK_BAD_PARENT_HEIGHT', `height ${block.n}, expected ${ctx.parent.n + 1}`, { expected: ctx.parent.n + 1, got: block.n })
  }
}

export function verifyTimestamp (block: Block, ctx: BlockContext): void {
  const { MIN_BT } = potParams(ctx.genesis.config.blockTime)
  const delta = block.t - ctx.parent.t
  if (BigInt(delta) < MIN_BT) fail('BLOCK_TOO_SOON', `${delta} s after its parent, minimum ${MIN_BT}`, { delta })
  if (block.t > ctx.now + MAX_FUTURE_DRIFT_S) {
    fail('BLOCK_FROM_FUTURE', `timestamp ${block.t} is more than ${MAX_FUTURE_DRIFT_S} s after now (${ctx.now})`, { t: block.t, now: ctx.now })
  }
}

export function verifyDerivedFields (block: Block, ctx: BlockContext): void {
  const want = deriveChildFields(ctx, block.m)
  if (block.b !== want.b) fail('BLOCK_BAD_BASE_TARGET', `b ${block.b}, expected ${want.b}`)
  if (!bytesEqual(block.g, want.g)) fail('BLOCK_BAD_GENERATION_SIGNATURE', `g ${toHex(block.g)}, expected ${toHex(want.g)}`)
  if (block.d !== want.d) fail('BLOCK_BAD_DIFFICULTY', `d ${block.d}, expected ${want.d}`)
  const cp = checkpointHeight(block.n, ctx.genesis.config.mutableRange)
  if (!bytesEqual(block.i, ctx.checkpointId)) fail('BLOCK_BAD_CHECKPOINT', `i is not the id of block ${cp}`, { height: cp })
}

export function verifyEligibility (block: Block, ctx: BlockContext): void {
  const p = minerEffectivePower(ctx.parentState, block.m)
  const delta = block.t - ctx.parent.t
  // g was checked equal to its recomputed value, so its hit is the protocol's hit.
  if (!isEligible({ b: block.b, p, hit: hitOf(block.g), delta, blockTime: ctx.genesis.config.blockTime })) {
    fail('BLOCK_NOT_ELIGIBLE', `miner ${toHex(block.m)} (p=${p}) may not mine ${delta} s after the parent`, { p: p.toString(), delta })
  }
}

export function verifySignature (block: Block): void {
  if (!verifyBlockSignature(block)) fail('BLOCK_BAD_SIGNATURE', 'signature does not verify against m')
}

/** §5 checks from version to signature, in protocol order. Throws the first failure. */
export function validateBlockHeader (block: Block, ctx: BlockContext): void {
  verifyVersionAndChain(block, ctx)
  verifyParentLink(block, ctx)
  verifyTimestamp(block, ctx)
  verifyDerivedFields(block, ctx)
  verifyEligibility(block, ctx)
  verifySignature(block)
}
