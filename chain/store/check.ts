// The check at open: cheap enough to run every start, thorough where damage is likely. A crash
// cannot half-write a batch, but a disk error, a manual edit or a foreign tool can leave a short
// or garbled record; finding it now beats failing in the middle of a reorg. It checks the meta
// records, the newest OPEN_CHECK_RECENT_BLOCKS main-chain blocks with their transactions, undo and
// info records, the height index end, the consensus point, the height index from genesis and the
// account records against the state digest (checkState.ts; both bounded, with a sample beyond).
// verify() (verify.ts) is the full scan, including a replay of the state from genesis.
import { blockId } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import { OPEN_CHECK_RECENT_BLOCKS } from './constants.js'
import { P_HEIGHT, describeKey, heightKey, infoKey } from './keys.js'
import { checkIndexAtOpen, checkStateAtOpen } from './checkState.js'
import { decodeBlockInfo, storeCorrupt } from './records.js'
import { firstKeyAfter } from './scan.js'
import type { ChainStore } from './store.js'

export interface QuickCheckReport {
  height: number
  accounts: number
  /** Whether the digest was recomputed over every account (else a sample was decoded). */
  digestFull: boolean
  /** Heights of the index walked in full from genesis, and heights sampled above them. */
  indexHeights: number
  indexSampled: number
}

export async function quickCheck (store: ChainStore): Promise<QuickCheckReport> {
  const tip = store.tip
  const above = await firstKeyAfter(store.db, heightKey(tip.n), Uint8Array.of(P_HEIGHT + 1))
  if (above !== undefined) throw storeCorrupt(`${describeKey(above)} lies above the tip at height ${tip.n}`)
  if (!store.isMain(tip)) throw storeCorrupt(`the tip ${toHex(blockId(tip))} is not the main-chain block at its height ${tip.n}`)
  checkRecentBlocks(store, OPEN_CHECK_RECENT_BLOCKS)
  const cp = store.consensusPoint
  const atCp = store.mainIdAt(cp.n)
  if (atCp === undefined || !bytesEqual(atCp, cp.id)) {
    throw storeCorrupt(`the consensus point ${toHex(cp.id)} (height ${cp.n}) is not on the main chain`)
  }
  const index = await checkIndexAtOpen(store)
  const state = await checkStateAtOpen(store)
  return { height: tip.n, accounts: state.accounts, digestFull: state.full, indexHeights: index.heights, indexSampled: index.sampled }
}

/** The newest `count` main-chain blocks: each decodes, links to its parent and has its records. */
export function checkRecentBlocks (store: ChainStore, count: number): void {
  const tip = store.tip
  for (let n = tip.n, k = 0; n >= 0 && k < count; n--, k++) {
    const b = store.mainBlockAt(n)! // throws STORE_CORRUPT when missing, garbled or misfiled
    const id = blockId(b)
    if (store.readRecord(infoKey(id), decodeBlockInfo) === undefined) throw storeCorrupt(`block info of ${toHex(id)} is missing`)
    if (n === 0) {
      if (!bytesEqual(id, store.genesis.blockId)) throw storeCorrupt('height 0 is not this genesis block')
      continue
    }
    if (b.n !== n) throw storeCorrupt(`block ${toHex(id)} is indexed at height ${n} but has height ${b.n}`)
    const parentId = store.mainIdAt(n - 1)!
    if (!bytesEqual(b.p, parentId)) throw storeCorrupt(`main-chain block at height ${n} does not link to height ${n - 1}`)
    store.blockTxs(b)
    if (store.getUndo(id) === undefined) throw storeCorrupt(`the undo record of main-chain block ${toHex(id)} (height ${n}) is missing`)
  }
}
