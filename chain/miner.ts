// The miner (PROTOCOL §4–§5): when may this key mine on a tip, and the signed block it builds.
// It derives b, g and d with the same function validation uses, and applies each candidate
// transaction through the one state transition, so what it builds passes validateBlock.
import { MAX_FUTURE_DRIFT_S, MAX_TXS_PER_BLOCK, PROTOCOL_VERSION } from './constants.js'
import { type Block, blockId, signBlock } from './block.js'
import type { KeyPair } from './crypto.js'
import { isChainError } from './errors.js'
import { toHex } from './hex.js'
import { type Transaction, txId } from './tx.js'
import { StateOverlay } from './state/overlay.js'
import { type BlockTransition, applyBlockTxs, applyTx } from './state/transition.js'
import { earliestMiningTime, hitOf, potParams } from './consensus/pot.js'
import { type BlockContext, deriveChildFields, minerEffectivePower } from './consensus/validateBlock.js'

/** What the miner needs from the pool: fee-ordered candidates, each sender's nonces in order. */
export interface TxSource {
  selectForMining (state: BlockContext['parentState'], max: number): Transaction[]
}

export type MiningContext = Pick<BlockContext, 'genesis' | 'parent' | 'ancestor3' | 'parentState'>

/** Unix second at which `minerKey` first becomes eligible on ctx.parent (P.t + MAX_BT when p = 0). */
export function earliestTimeFor (ctx: MiningContext, minerKey: Uint8Array): number {
  const { b, g } = deriveChildFields(ctx, minerKey)
  const p = minerEffectivePower(ctx.parentState, minerKey)
  return Number(earliestMiningTime({ parentT: ctx.parent.t, b, p, hit: hitOf(g), blockTime: ctx.genesis.config.blockTime }))
}

/**
 * When this node's miner should actually mine (a local policy, not a consensus rule). Below
 * MAX_BT it is the earliest time. Past MAX_BT every key is eligible, so if all miners mined right
 * at P.t + MAX_BT they would make equal-difficulty siblings that each node keeps (a tie keeps the
 * tip), round after round. Instead a key whose own hit would come later waits that much longer,
 * up to another MAX_BT (P.t + 2·MAX_BT when p = 0): the best-placed key mines first and the others
 * build on its block instead of beside it.
 */
export function plannedTimeFor (ctx: MiningContext, minerKey: Uint8Array): number {
  return plannedMiningFor(ctx, minerKey).t
}

/**
 * plannedTimeFor's second, and where in that second to fire (ms, below `spreadMs`): block times are
 * whole seconds, so keys whose hit times fall in the same second would all mine at its start and
 * make equal-difficulty siblings (a fork that only the next block resolves). Firing at the fraction
 * of the second where the key's unrounded hit time hit/(b·p) falls keeps their order: the first
 * key's block usually reaches the others before they fire, and they build on it. A key whose time
 * was clamped (MIN_BT, the MAX_BT stagger) gets a fraction from its hit instead. Local policy, like
 * the planned time itself; the block and its timestamp are the same either way.
 */
export function plannedMiningFor (ctx: MiningContext, minerKey: Uint8Array, spreadMs = 1000): { t: number, offsetMs: number } {
  const { b, g } = deriveChildFields(ctx, minerKey)
  const p = minerEffectivePower(ctx.parentState, minerKey)
  const { MIN_BT, MAX_BT } = potParams(ctx.genesis.config.blockTime)
  const hit = hitOf(g)
  const spread = BigInt(spreadMs)
  let delay = p > 0n ? hit / (b * p) + 1n : 2n * MAX_BT
  let offset = p > 0n ? (hit % (b * p)) * spread / (b * p) : hit % spread
  if (delay < MIN_BT) { delay = MIN_BT; offset = hit % spread }
  if (delay > 2n * MAX_BT) { delay = 2n * MAX_BT; offset = hit % spread }
  return { t: ctx.parent.t + Number(delay), offsetMs: Number(offset) }
}

export interface SkippedTx { tx: Transaction, code: string }

/**
 * Takes candidates in the given order and keeps each one that applies on top of the ones already
 * kept, up to MAX_TXS_PER_BLOCK. Candidates were statically checked (signature included) when the
 * pool admitted them; only the timestamp bound depends on the block, so only it is re-checked.
 */
export function chooseTxs (state: BlockContext['parentState'], t: number, candidates: Iterable<Transaction>): { chosen: Transaction[], skipped: SkippedTx[] } {
  const overlay = new StateOverlay(state)
  const chosen: Transaction[] = []
  const skipped: SkippedTx[] = []
  const seen = new Set<string>()
  for (const tx of candidates) {
    if (chosen.length >= MAX_TXS_PER_BLOCK) break
    const id = toHex(txId(tx))
    if (seen.has(id)) continue
    seen.add(id)
    if (tx.t > t + MAX_FUTURE_DRIFT_S) { skipped.push({ tx, code: 'TX_FROM_FUTURE' }); continue }
    // A trial layer per tx: a failed apply leaves nothing half-written in `overlay`.
    const trial = new StateOverlay(overlay)
    try {
      applyTx(trial, tx)
    } catch (e) {
      if (!isChainError(e)) throw e
      skipped.push({ tx, code: e.code })
      continue
    }
    for (const c of trial.changes.values()) overlay.setAccount(c.key, c.account)
    chosen.push(tx)
  }
  return { chosen, skipped }
}

export interface BuiltBlock {
  block: Block
  id: Uint8Array
  txs: Transaction[]
  transition: BlockTransition
  skipped: SkippedTx[]
}

/**
 * Builds and signs the child of ctx.parent at time `t` with the best applicable candidates.
 * The caller picks `t` (at least earliestTimeFor); eligibility is the caller's contract, and
 * validateBlock re-checks it like any other block.
 */
export function buildBlock (key: KeyPair, ctx: BlockContext, t: number, candidates: Iterable<Transaction>): BuiltBlock {
  const { b, g, d } = deriveChildFields(ctx, key.publicKey)
  const { chosen, skipped } = chooseTxs(ctx.parentState, t, candidates)
  const transition = applyBlockTxs(ctx.parentState, key.publicKey, chosen, ctx.genesis.config.blockReward)
  const block = signBlock({
    v: PROTOCOL_VERSION, c: ctx.genesis.chainId, n: ctx.parent.n + 1, p: blockId(ctx.parent), t, b, d, g,
    m: key.publicKey, i: ctx.checkpointId, x: chosen.map(txId)
  }, key.secretKey)
  return { block, id: blockId(block), txs: chosen, transition, skipped }
}

/** buildBlock with the pool's mining selection as candidates. */
export function mineBlock (key: KeyPair, ctx: BlockContext, t: number, pool: TxSource): BuiltBlock {
  return buildBlock(key, ctx, t, pool.selectForMining(ctx.parentState, MAX_TXS_PER_BLOCK))
}
