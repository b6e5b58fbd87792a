// One commit = one LevelDB batch. The chain describes everything a block import or a reorg
// changes as a StoreWrite; the store turns it into operations and writes them atomically, so a
// crash leaves the database at the previous commit or the next one, never in between.
import { type Block, blockId, encodeBlock } from '../block.js'
import { type Transaction, encodeTx, txId } from '../tx.js'
import { type Account, encodeAccount } from '../state/account.js'
import type { UndoRecord } from '../state/undo.js'
import {
  type StagedKind, accountKey, blockKey, heightKey, infoKey, metaKey, stagedKey, txKey, txLocKey, undoKey
} from './keys.js'

const EMPTY = new Uint8Array(0)
import { type BlockSource, accountIndexOps } from './accountIndex.js'
import { BLOCK_STATUS_VALID, type ConsensusPoint, encodeBlockInfo, encodeConsensusPoint, encodeUndo } from './records.js'

export type Op = { type: 'put', key: Uint8Array, value: Uint8Array } | { type: 'del', key: Uint8Array }

export interface StoredBlock { block: Block, txs: Transaction[] }

export interface StoreWrite {
  /** Newly validated blocks and their transactions (main or side); each gets a block info record. */
  blocks?: StoredBlock[]
  /** Main-chain index entries to set (height → id). */
  main?: Array<{ n: number, id: Uint8Array }>
  /** Main-chain heights to drop (a reorg onto a shorter chain). */
  unmain?: number[]
  /** Undo records of blocks that become main-chain blocks. */
  undo?: Array<{ id: Uint8Array, record: UndoRecord }>
  /** Undo records to drop: blocks that leave the main chain. */
  undoDel?: Uint8Array[]
  /** The tip state's changed accounts; undefined deletes the account. */
  accounts?: Array<{ key: Uint8Array, account: Account | undefined }>
  tip?: Block
  consensusPoint?: ConsensusPoint
  /** Staged items consumed by this commit. */
  unstage?: Array<{ kind: StagedKind, id: Uint8Array }>
}

/** The batch operations of a write, in a fixed order (it does not matter to LevelDB, but helps tests). */
export function opsOf (w: StoreWrite, receivedAt: number, source?: BlockSource): Op[] {
  const ops: Op[] = []
  const put = (key: Uint8Array, value: Uint8Array): void => { ops.push({ type: 'put', key, value }) }
  const del = (key: Uint8Array): void => { ops.push({ type: 'del', key }) }
  for (const { block, txs } of w.blocks ?? []) {
    const id = blockId(block)
    put(blockKey(id), encodeBlock(block))
    put(infoKey(id), encodeBlockInfo({ status: BLOCK_STATUS_VALID, receivedAt }))
    for (const tx of txs) {
      const tid = txId(tx)
      put(txKey(tid), encodeTx(tx))
      put(txLocKey(tid, id), EMPTY)
    }
  }
  for (const n of w.unmain ?? []) del(heightKey(n))
  for (const m of w.main ?? []) put(heightKey(m.n), m.id)
  for (const id of w.undoDel ?? []) del(undoKey(id))
  for (const u of w.undo ?? []) put(undoKey(u.id), encodeUndo(u.record))
  for (const a of w.accounts ?? []) {
    if (a.account === undefined) del(accountKey(a.key))
    else put(accountKey(a.key), encodeAccount(a.account))
  }
  if (w.tip !== undefined) put(metaKey('tip'), blockId(w.tip))
  if (w.consensusPoint !== undefined) put(metaKey('cp'), encodeConsensusPoint(w.consensusPoint))
  for (const s of w.unstage ?? []) del(stagedKey(s.kind, s.id))
  // The account index follows the height index in the same batch (accountIndex.ts).
  ops.push(...accountIndexOps(w, source))
  return ops
}
