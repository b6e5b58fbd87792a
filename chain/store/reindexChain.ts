// Which chain reindex rebuilds: the stored tip's chain if it is intact back to genesis, else the
// intact chain of one of the best stored blocks (by cumulative difficulty), else the longest intact
// prefix of the old height index. "Intact": every block and transaction present, heights linked.
import { type Block, decodeBlock } from '../block.js'
import { bytesEqual, toHex } from '../hex.js'
import { REINDEX_MAX_TIP_CANDIDATES } from './constants.js'
import { P_BLOCK, heightKey, metaKey, txKey } from './keys.js'
import { scanPrefix } from './scan.js'
import type { ChainStore } from './store.js'

/** Block ids from genesis (index 0) to the chosen tip. */
export async function chooseMainChain (store: ChainStore, notes: string[]): Promise<Uint8Array[]> {
  const candidates: Uint8Array[] = []
  const tip = store.raw(metaKey('tip'))
  if (tip?.length === 32) candidates.push(new Uint8Array(tip))
  else notes.push('the tip record is missing or garbled')
  for (const id of await bestBlocks(store, REINDEX_MAX_TIP_CANDIDATES)) {
    if (!candidates.some(c => bytesEqual(c, id))) candidates.push(id)
  }
  for (const id of candidates) {
    const walked = walkToGenesis(store, id)
    if (typeof walked !== 'string') return walked
    notes.push(`chain of ${toHex(id)} is not intact: ${walked}`)
  }
  const prefix = intactIndexPrefix(store)
  notes.push(`rebuilt the longest intact prefix of the old height index (height ${prefix.length - 1})`)
  return prefix
}

/** Ids of the `k` stored blocks with the highest cumulative difficulty. */
async function bestBlocks (store: ChainStore, k: number): Promise<Uint8Array[]> {
  const top: Array<{ id: Uint8Array, d: bigint }> = []
  for await (const [key, v] of scanPrefix(store.db, P_BLOCK)) {
    const d = decodeBlock(v).d // garbled records were dropped before this runs
    if (top.length < k || d > top[top.length - 1].d) {
      top.push({ id: new Uint8Array(key.subarray(1)), d })
      top.sort((a, b) => (a.d < b.d ? 1 : a.d > b.d ? -1 : 0))
      if (top.length > k) top.pop()
    }
  }
  return top.map(t => t.id)
}

function hasAllTxs (store: ChainStore, b: Block): boolean {
  return b.x.every(id => store.raw(txKey(id)) !== undefined)
}

/** Ids from genesis to `tipId`, or why the chain is broken. */
function walkToGenesis (store: ChainStore, tipId: Uint8Array): Uint8Array[] | string {
  const ids: Uint8Array[] = []
  let id = tipId
  let expect: number | undefined
  for (;;) {
    const b = store.getBlock(id)
    if (b === undefined) return `block ${toHex(id)} is missing`
    if (expect !== undefined && b.n !== expect) return `block ${toHex(id)} has height ${b.n}, expected ${expect}`
    if (!hasAllTxs(store, b)) return `a transaction of block ${toHex(id)} is missing`
    ids.push(id)
    if (b.n === 0) return bytesEqual(id, store.genesis.blockId) ? ids.reverse() : 'it starts at another genesis'
    expect = b.n - 1
    id = b.p
  }
}

/** Walks the old height index up from genesis while each entry is a present, linked, complete block. */
function intactIndexPrefix (store: ChainStore): Uint8Array[] {
  const ids = [store.genesis.blockId]
  for (let n = 1; ; n++) {
    const id = store.raw(heightKey(n))
    if (id?.length !== 32) break
    const b = store.getBlock(id)
    if (b === undefined || b.n !== n || !bytesEqual(b.p, ids[n - 1]) || !hasAllTxs(store, b)) break
    ids.push(new Uint8Array(id))
  }
  return ids
}
