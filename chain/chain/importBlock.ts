// Block import as a row of small verb-named steps (Lodestar habit): check the branch is sane,
// skip what is known, park what has no parent, find the fork point, refuse what is out of reach,
// validate in memory against the right state, decide by fork choice, commit once, then let the
// children that were waiting for these blocks follow. Runs inside the Chain's serial queue.
import { type Block, blockId } from '../block.js'
import { ChainError } from '../errors.js'
import { bytesEqual, toHex } from '../hex.js'
import type { Transaction } from '../tx.js'
import { branchToMain } from './ancestry.js'
import { BranchPlan } from './branchPlan.js'
import { MAX_BRANCH_BLOCKS, TRANSIENT_BLOCK_ERRORS } from './constants.js'
import { type ChainCore, markInvalid } from './core.js'
import { chooseFork, outOfReach } from './forkChoice.js'
import { commitSwitch } from './reorg.js'
import { adoptPointBranch, adoptionRefusal, forgetPending, pendingPointOn } from './consensusPoint.js'
import type { BlockFailure, ImportResult } from './types.js'
import { warnRefused } from './warnings.js'

/** Transactions for a block, in `x` order, or undefined when some are missing. */
export type TxSource = (block: Block) => Transaction[] | undefined

export interface ImportOutcome { result: ImportResult, stored: Uint8Array[] }

/** Blocks must be non-empty, bounded and each the child of the one before. */
export function sanityCheckBranch (blocks: Block[]): void {
  if (blocks.length === 0) throw new ChainError('CHAIN_EMPTY_BRANCH', 'importBranch needs at least one block')
  if (blocks.length > MAX_BRANCH_BLOCKS) {
    throw new ChainError('CHAIN_BRANCH_TOO_LONG', `${blocks.length} blocks, at most ${MAX_BRANCH_BLOCKS} per call`)
  }
  for (let i = 1; i < blocks.length; i++) {
    if (!bytesEqual(blocks[i].p, blockId(blocks[i - 1]))) {
      throw new ChainError('CHAIN_BRANCH_NOT_LINKED', `block ${i} is not the child of block ${i - 1}`, { index: i })
    }
  }
}

function resolveTxs (core: ChainCore, blocks: Block[], txsFor: TxSource): Transaction[][] {
  return blocks.map(b => {
    const txs = txsFor(b) ?? b.x.map(id => core.store.getTx(id))
    const missing = b.x.filter((_, i) => txs[i] === undefined)
    if (missing.length > 0) {
      throw new ChainError('CHAIN_MISSING_TXS', `block ${toHex(blockId(b))} lacks ${missing.length} transactions`, {
        block: toHex(blockId(b)), missing: missing.map(toHex)
      })
    }
    return txs as Transaction[]
  })
}

/** Validates `fresh` on the plan block by block; stops at the first failure and reports it. */
function verifyBranch (core: ChainCore, plan: BranchPlan, fresh: Block[], txs: Transaction[][]): BlockFailure | undefined {
  const now = core.now()
  for (let i = 0; i < fresh.length; i++) {
    try {
      plan.validate(fresh[i], txs[i], now)
    } catch (e) {
      if (!(e instanceof ChainError)) throw e
      const id = blockId(fresh[i])
      if (!TRANSIENT_BLOCK_ERRORS.has(e.code)) {
        markInvalid(core, [id], e)
        const ancestorError = new ChainError('BLOCK_INVALID_ANCESTOR', `an ancestor (${toHex(id)}) is invalid: ${e.code}`)
        markInvalid(core, fresh.slice(i + 1).map(blockId), ancestorError)
      }
      return { id, error: e }
    }
  }
  return undefined
}

/** One import, without following pending children. */
export async function importBranchNow (core: ChainCore, blocks: Block[], txsFor: TxSource): Promise<ImportOutcome> {
  const { store } = core
  sanityCheckBranch(blocks)
  let start = 0
  while (start < blocks.length && store.hasBlock(blockId(blocks[start]))) start++
  const last = blocks[blocks.length - 1]
  if (start === blocks.length) return { result: { kind: 'known', id: blockId(last) }, stored: [] }
  const fresh = blocks.slice(start)
  const firstId = blockId(fresh[0])
  const knownBad = core.invalid.get(toHex(firstId)) ?? core.invalid.get(toHex(fresh[0].p))
  if (knownBad !== undefined) {
    markInvalid(core, fresh.map(blockId), knownBad)
    return { result: { kind: 'invalid', id: firstId, error: knownBad }, stored: [] }
  }
  const txs = resolveTxs(core, fresh, txsFor)
  const parent = store.getBlock(fresh[0].p)
  if (parent === undefined) {
    fresh.forEach((b, i) => core.pending.add(b, txs[i]))
    return { result: { kind: 'pending', id: blockId(last), parentId: fresh[0].p }, stored: [] }
  }

  const { forkPoint, path } = branchToMain(store, parent)
  const branchFirst = path[0] ?? fresh[0]
  const chosen = pendingPointOn(core, path, fresh)
  if (chosen !== undefined) {
    // The branch of a chosen point: validated whatever its difficulty, unless adopting it would break
    // a range rule (then the decision is refused, once, and forgotten).
    const refusal = adoptionRefusal(core, forkPoint.n, chosen.mode)
    if (refusal !== undefined) {
      forgetPending(core, blockId(chosen.block))
      const warning = warnRefused(core, refusal, chosen.block, branchFirst, forkPoint.n)
      return { result: { kind: 'refused-warning', id: blockId(last), warning }, stored: [] }
    }
  } else {
    const reach = outOfReach({ tipN: store.tip.n, forkHeight: forkPoint.n, consensusHeight: store.consensusPoint.n, mutableRange: core.genesis.config.mutableRange, newNode: core.newNode })
    if (reach !== undefined) {
      // Never validated: we could not adopt it. Only a claimed improvement is worth a warning.
      if (last.d > store.tip.d) return { result: { kind: 'refused-warning', id: blockId(last), warning: warnRefused(core, reach, last, branchFirst, forkPoint.n) }, stored: [] }
      return { result: { kind: 'side', id: blockId(last), stored: false }, stored: [] }
    }
  }

  const plan = new BranchPlan(store, forkPoint)
  for (const b of path) plan.replay(b, store.blockTxs(b))
  const failure = verifyBranch(core, plan, fresh, txs)
  const accepted = plan.applied.filter(a => a.isNew)
  if (accepted.length === 0) return { result: { kind: 'invalid', id: failure!.id, error: failure!.error }, stored: [] }
  const stored = accepted.map(a => a.id)
  const newTip = plan.tip
  const id = blockId(newTip)
  const extra = failure === undefined ? {} : { invalid: failure }

  if (chosen !== undefined && plan.applied.some(a => bytesEqual(a.id, blockId(chosen.block)))) {
    // The branch of a chosen point, valid up to it: adopted whatever its difficulty.
    const { tip, depth } = await adoptPointBranch(core, plan, chosen.block)
    const result: ImportResult = depth === 0 ? { kind: 'extended', id, tip, ...extra } : { kind: 'reorged', id, tip, depth, ...extra }
    return { result, stored }
  }

  const decision = chooseFork({
    tipD: store.tip.d, tipN: store.tip.n, candidateD: newTip.d, forkHeight: forkPoint.n,
    consensusHeight: store.consensusPoint.n, mutableRange: core.genesis.config.mutableRange, newNode: core.newNode
  })
  if (decision === 'extend' || decision === 'switch') {
    const { tip, depth } = await commitSwitch(core, plan)
    const result: ImportResult = depth === 0 ? { kind: 'extended', id, tip, ...extra } : { kind: 'reorged', id, tip, depth, ...extra }
    return { result, stored }
  }
  await store.commit(plan.storeWrite())
  if (decision === 'vote') {
    const candidate = { tipId: id, n: newTip.n, d: newTip.d, forkHeight: forkPoint.n, depth: plan.depth }
    core.candidates.remember(candidate, fresh[0].p)
    return { result: { kind: 'needs-vote', id, candidate, ...extra }, stored }
  }
  // 'side' (deep-fork and below-consensus-point were excluded above, before validation)
  return { result: { kind: 'side', id, stored: true, ...extra }, stored }
}

/** Imports, then every pending block that was waiting for a block this import stored. */
export async function importWithPending (core: ChainCore, blocks: Block[], txsFor: TxSource): Promise<ImportResult> {
  const first = await importBranchNow(core, blocks, txsFor)
  const work = [...first.stored]
  while (work.length > 0) {
    for (const kid of core.pending.take(work.shift()!)) {
      // Follow a single line of pending descendants as one branch: one reorg instead of several.
      const line = [kid]
      for (let next = core.pending.take(kid.id); next.length > 0; next = core.pending.take(line[line.length - 1].id)) {
        line.push(next[0])
        for (const sibling of next.slice(1)) core.pending.add(sibling.block, sibling.txs)
        if (line.length >= MAX_BRANCH_BLOCKS) break
      }
      const byId = new Map(line.map(p => [toHex(p.id), p.txs]))
      const r = await importBranchNow(core, line.map(p => p.block), b => byId.get(toHex(blockId(b))))
      work.push(...r.stored)
    }
  }
  return first.result
}
