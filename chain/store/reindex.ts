// reindex(): rebuild everything derived (height index, tip state, undo records, tip, block info)
// from the immutable records (blocks and transactions), by replaying the stored main chain from
// genesis with applyBlockTxs. Records that no longer decode are dropped first: they are DHT items
// and can be fetched again. A 'reindex' meta flag is set for the duration, so an interrupted
// reindex is seen at the next open instead of passing for a healthy store. The state digest is
// rewritten from the replayed state; readable blocks cut off from the rebuilt chain are staged.
import { blockId, decodeBlock, encodeBlock } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import { decodeMessage, messageId } from '../message.js'
import { decodeTx, txId } from '../tx.js'
import { encodeAccount } from '../state/account.js'
import { genesisState } from '../state/replay.js'
import { undoOf } from '../state/undo.js'
import { applyBlockTxs } from '../state/transition.js'
import { REINDEX_BATCH_BLOCKS } from './constants.js'
import {
  P_ACCOUNT, P_BLOCK, P_HEIGHT, P_INFO, P_MESSAGE, P_STAGED, P_TX, P_UNDO, STAGED_KINDS, accountKey, blockKey,
  heightKey, infoKey, keyBody, metaKey, prefixRange, undoKey
} from './keys.js'
import { chooseMainChain } from './reindexChain.js'
import { buildAccountIndex } from './accountIndex.js'
import { stageOrphans } from './reindexOrphans.js'
import { digestOf } from './digest.js'
import {
  BLOCK_STATUS_VALID, decodeBlockInfo, decodeConsensusPoint, encodeBlockInfo, encodeConsensusPoint, encodeUndo
} from './records.js'
import { readEverything, scanPrefix } from './scan.js'
import type { ChainStore } from './store.js'
import type { Op } from './write.js'

export interface ReindexReport {
  height: number
  tipId: string
  accounts: number
  /** Undecodable or misfiled records that were deleted (refetchable from the network). */
  removedRecords: number
  notes: string[]
}

export async function reindexStore (store: ChainStore): Promise<ReindexReport> {
  const { db, genesis } = store
  const notes: string[] = []
  await readEverything(db) // LevelDB damage anywhere: STORE_CORRUPT, and the open repairs the files first
  await db.put(metaKey('reindex'), Uint8Array.of(1), { sync: true })
  const removedRecords = await dropGarbledRecords(store)
  if (store.raw(blockKey(genesis.blockId)) === undefined) {
    // The genesis block is known without the store: write it back rather than lose the whole chain.
    await db.batch([
      { type: 'put', key: blockKey(genesis.blockId), value: encodeBlock(genesis.block) },
      { type: 'put', key: infoKey(genesis.blockId), value: encodeBlockInfo({ status: BLOCK_STATUS_VALID, receivedAt: Math.floor(Date.now() / 1000) }) }
    ])
    notes.push('the genesis block record was missing: written again')
  }
  if (removedRecords > 0) notes.push(`deleted ${removedRecords} undecodable or misfiled records`)
  const ids = await chooseMainChain(store, notes)
  for (const p of [P_HEIGHT, P_ACCOUNT, P_UNDO]) await db.clear(prefixRange(p))

  const state = genesisState(genesis)
  let ops: Op[] = [{ type: 'put', key: heightKey(0), value: genesis.blockId }]
  let height = 0
  for (let n = 1; n < ids.length; n++) {
    const block = store.getBlock(ids[n])!
    let tr
    try {
      tr = applyBlockTxs(state, block.m, store.blockTxs(block), genesis.config.blockReward)
    } catch (e) {
      notes.push(`block ${toHex(ids[n])} at height ${n} does not apply (${(e as Error).message}); the chain ends at ${n - 1}`)
      // Not valid after all: drop it and the blocks above it, or they would pass for stored valid side blocks.
      for (const id of ids.slice(n)) ops.push({ type: 'del', key: blockKey(id) }, { type: 'del', key: infoKey(id) })
      break
    }
    ops.push({ type: 'put', key: undoKey(ids[n]), value: encodeUndo(undoOf(tr.overlay, state)) })
    ops.push({ type: 'put', key: heightKey(n), value: ids[n] })
    state.apply(tr.overlay)
    height = n
    if (ops.length >= REINDEX_BATCH_BLOCKS * 2) { await db.batch(ops); ops = [] }
  }
  const digest = digestOf(state.accounts.values())
  for (const { key, account } of state.accounts.values()) {
    ops.push({ type: 'put', key: accountKey(key), value: encodeAccount(account) })
    if (ops.length >= REINDEX_BATCH_BLOCKS * 64) { await db.batch(ops); ops = [] }
  }
  const tipId = ids[height]
  ops.push({ type: 'put', key: metaKey('tip'), value: tipId })
  ops.push({ type: 'put', key: metaKey('cp'), value: encodeConsensusPoint(keptConsensusPoint(store, ids.slice(0, height + 1), notes)) })
  ops.push({ type: 'put', key: metaKey('digest'), value: digest.encode() })
  await db.batch(ops, { sync: true })
  const staged = await stageOrphans(store, ids.slice(0, height + 1))
  if (staged > 0) notes.push(`moved ${staged} readable blocks that no longer connect to the rebuilt chain to the staging area`)
  await db.del(metaKey('reindex'), { sync: true })
  store.loadMeta()
  await buildAccountIndex(db, store, height)
  store.setDigest(digest)
  await store.staging.load()
  return { height, tipId: toHex(tipId), accounts: state.accounts.size, removedRecords, notes }
}

/** The stored consensus point if it is on the rebuilt chain, else genesis. */
function keptConsensusPoint (store: ChainStore, ids: Uint8Array[], notes: string[]): { id: Uint8Array, n: number } {
  const raw = store.raw(metaKey('cp'))
  if (raw !== undefined) {
    try {
      const cp = decodeConsensusPoint(raw)
      if (cp.n < ids.length && bytesEqual(ids[cp.n], cp.id)) return cp
    } catch {}
  }
  notes.push('the consensus point was reset to genesis')
  return { id: store.genesis.blockId, n: 0 }
}

/** Deletes immutable records that do not decode or sit under the wrong id; fixes block info records. */
async function dropGarbledRecords (store: ChainStore): Promise<number> {
  const { db } = store
  const del: Uint8Array[] = []
  const checks: Array<[number, (v: Uint8Array, body: Uint8Array) => boolean]> = [
    [P_BLOCK, (v, body) => bytesEqual(blockId(decodeBlock(v)), body)],
    [P_TX, (v, body) => bytesEqual(txId(decodeTx(v)), body)],
    [P_MESSAGE, (v, body) => bytesEqual(messageId(decodeMessage(v)), body)],
    [P_INFO, v => decodeBlockInfo(v) !== undefined],
    [P_STAGED, (_v, body) => body.length === 33 && Object.values(STAGED_KINDS).includes(body[0] as 1)]
  ]
  for (const [prefix, ok] of checks) {
    for await (const [k, v] of scanPrefix(db, prefix)) {
      let good = false
      try { good = ok(v, keyBody(k)) } catch {}
      if (!good) del.push(k)
    }
  }
  if (del.length > 0) await db.batch(del.map(key => ({ type: 'del', key })))
  // Every block has an info record and every info record a block.
  const ops: Op[] = []
  const now = Math.floor(Date.now() / 1000)
  for await (const [k] of scanPrefix(db, P_BLOCK)) {
    const id = keyBody(k)
    if (store.raw(infoKey(id)) === undefined) {
      ops.push({ type: 'put', key: infoKey(id), value: encodeBlockInfo({ status: BLOCK_STATUS_VALID, receivedAt: now }) })
    }
  }
  for await (const [k] of scanPrefix(db, P_INFO)) {
    if (store.raw(blockKey(keyBody(k))) === undefined) ops.push({ type: 'del', key: k })
  }
  if (ops.length > 0) await db.batch(ops)
  return del.length
}
