// verify(): the full consistency scan, for `tau-node verify`-style tooling and tests. It collects
// problems instead of stopping at the first, and checks what the open check only samples: every
// immutable record decodes under its own id, the height index is one linked chain from genesis to
// the tip, undo records exist exactly for main-chain blocks and equal a recomputation, and the
// stored state equals a replay of the main chain from genesis and the state digest record.
import { blockId, decodeBlock } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import { decodeMessage, messageId } from '../message.js'
import { decodeTx, txId } from '../tx.js'
import { decodeAccount } from '../state/account.js'
import { genesisState } from '../state/replay.js'
import { undoOf } from '../state/undo.js'
import { applyBlockTxs } from '../state/transition.js'
import {
  P_ACCOUNT, P_BLOCK, P_HEIGHT, P_INFO, P_MESSAGE, P_TX, P_UNDO, describeKey, heightOfKey, keyBody, metaKey
} from './keys.js'
import { decodeBlockInfo, encodeUndo } from './records.js'
import { scanPrefix } from './scan.js'
import { StateDigest, digestOf } from './digest.js'
import type { ChainStore } from './store.js'

/** Problems listed before verify stops collecting. */
const MAX_PROBLEMS = 100

export interface VerifyReport {
  ok: boolean
  problems: string[]
  height: number
  blocks: number
  txs: number
  messages: number
  accounts: number
}

export async function verifyStore (store: ChainStore): Promise<VerifyReport> {
  const problems: string[] = []
  const problem = (p: string): void => { if (problems.length < MAX_PROBLEMS) problems.push(p) }
  const { db, genesis } = store
  if (store.raw(metaKey('reindex')) !== undefined) problem('an interrupted reindex flag is set')

  const count = async (prefix: number, ok: (v: Uint8Array, body: Uint8Array) => boolean): Promise<number> => {
    let n = 0
    for await (const [k, v] of scanPrefix(db, prefix)) {
      n++
      let good = false
      try { good = ok(v, keyBody(k)) } catch (e) { problem(`${describeKey(k)} does not decode: ${(e as Error).message}`); continue }
      if (!good) problem(`${describeKey(k)} is inconsistent`)
    }
    return n
  }
  const blocks = await count(P_BLOCK, (v, id) => bytesEqual(blockId(decodeBlock(v)), id) && store.raw(Uint8Array.of(P_INFO, ...id)) !== undefined)
  const txs = await count(P_TX, (v, id) => bytesEqual(txId(decodeTx(v)), id))
  const messages = await count(P_MESSAGE, (v, id) => bytesEqual(messageId(decodeMessage(v)), id))
  await count(P_INFO, (v, id) => decodeBlockInfo(v) !== undefined && store.raw(Uint8Array.of(P_BLOCK, ...id)) !== undefined)

  // The height index: 0..tip, contiguous, linked, ending at the tip record.
  const main = new Map<string, number>()
  let expect = 0
  let prev: Uint8Array | undefined
  for await (const [k, v] of scanPrefix(db, P_HEIGHT)) {
    const n = heightOfKey(k)
    if (n !== expect) { problem(`height index jumps from ${expect - 1} to ${n}`); break }
    expect++
    const b = v.length === 32 ? safe(() => store.getBlock(v)) : undefined
    if (b === undefined) { problem(`height ${n}: block missing or garbled`); break }
    if (b.n !== n || (prev !== undefined && !bytesEqual(b.p, prev)) || (n === 0 && !bytesEqual(v, genesis.blockId))) {
      problem(`height ${n}: block does not link into the main chain`)
      break
    }
    main.set(toHex(v), n)
    prev = new Uint8Array(v)
  }
  const tip = safe(() => store.tip)
  if (tip === undefined || prev === undefined || !bytesEqual(prev, blockId(tip))) problem('the tip record is not the top of the height index')
  const cp = safe(() => store.consensusPoint)
  if (cp === undefined || main.get(toHex(cp.id)) !== cp.n) problem('the consensus point is not on the main chain')

  // Undo records exist exactly for main blocks above genesis; recomputed below.
  const undoIds = new Set<string>()
  for await (const [k] of scanPrefix(db, P_UNDO)) {
    const h = toHex(keyBody(k))
    undoIds.add(h)
    if (!main.has(h) || main.get(h) === 0) problem(`${describeKey(k)} belongs to no main-chain block`)
  }

  // Replay the main chain and compare undo records and the final state.
  const state = genesisState(genesis)
  const ordered = [...main.entries()].sort((a, b) => a[1] - b[1])
  for (const [h, n] of ordered) {
    if (n === 0) continue
    const id = Buffer.from(h, 'hex')
    const replayed = safe(() => {
      const b = store.getBlock(id)!
      const tr = applyBlockTxs(state, b.m, store.blockTxs(b), genesis.config.blockReward)
      const undo = encodeUndo(undoOf(tr.overlay, state))
      state.apply(tr.overlay)
      return undo
    })
    if (replayed === undefined) { problem(`height ${n}: block does not replay`); break }
    const stored = store.raw(Uint8Array.of(P_UNDO, ...id))
    if (!undoIds.has(h) || stored === undefined || !bytesEqual(stored, replayed)) problem(`height ${n}: undo record missing or wrong`)
  }
  let accounts = 0
  const seen = new Set<string>()
  const found = new StateDigest()
  for await (const [k, v] of scanPrefix(db, P_ACCOUNT)) {
    accounts++
    const h = toHex(keyBody(k))
    seen.add(h)
    const a = safe(() => decodeAccount(v))
    if (a !== undefined) found.add(keyBody(k), a)
    const want = state.accounts.get(h)?.account
    if (a === undefined) problem(`${describeKey(k)} does not decode`)
    else if (want === undefined || a.balance !== want.balance || a.nonce !== want.nonce || a.power !== want.power) {
      problem(`${describeKey(k)} differs from the replay`)
    }
  }
  for (const h of state.accounts.keys()) if (!seen.has(h)) problem(`account ${h} is missing from the stored state`)
  // The digest record against the stored accounts and against the replay (state = replay = digest).
  const recorded = safe(() => store.readRecord(metaKey('digest'), StateDigest.decode))
  if (recorded === undefined) problem('the state digest record is missing or garbled')
  else {
    if (!recorded.equals(found)) problem(`the state digest (${recorded.count} accounts) does not match the stored accounts (${found.count})`)
    if (!recorded.equals(digestOf(state.accounts.values()))) problem('the state digest does not match the replayed state')
  }
  return { ok: problems.length === 0, problems, height: expect - 1, blocks, txs, messages, accounts }
}

function safe<T> (f: () => T): T | undefined {
  try { return f() } catch { return undefined }
}
