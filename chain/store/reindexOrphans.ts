// After reindex has chosen the main chain: the other stored blocks stay stored side blocks only
// if their parent is stored (and kept) and their transactions are all present, the store's rule
// for a validated block. A readable block above a lost one breaks that rule: left in place it
// would pass for a known valid block, so sync would never fetch the lost block below it. Such
// blocks are not deleted (the repair never throws readable blocks away) but moved to the staging
// area, where the fetcher finds them without asking a peer once sync has filled the gap.
import { decodeBlock } from '../block.js'
import { toHex } from '../hex.js'
import { P_BLOCK, blockKey, infoKey, keyBody, stagedKey, txKey } from './keys.js'
import { scanPrefix } from './scan.js'
import type { ChainStore } from './store.js'
import type { Op } from './write.js'

/** Moves disconnected or incomplete side blocks to staging; returns how many moved. */
export async function stageOrphans (store: ChainStore, mainIds: Uint8Array[]): Promise<number> {
  const kept = new Set(mainIds.map(id => toHex(id)))
  const side: Array<{ id: Uint8Array, n: number, parent: string, complete: boolean, bytes: Uint8Array }> = []
  for await (const [k, v] of scanPrefix(store.db, P_BLOCK)) {
    const id = new Uint8Array(keyBody(k))
    if (kept.has(toHex(id))) continue
    const b = decodeBlock(v) // garbled records were dropped before this runs
    const complete = b.x.every(t => store.raw(txKey(t)) !== undefined)
    side.push({ id, n: b.n, parent: toHex(b.p), complete, bytes: new Uint8Array(v) })
  }
  side.sort((a, b) => a.n - b.n) // parents before children
  const ops: Op[] = []
  for (const s of side) {
    if (s.complete && kept.has(s.parent)) { kept.add(toHex(s.id)); continue }
    ops.push({ type: 'put', key: stagedKey('block', s.id), value: s.bytes })
    ops.push({ type: 'del', key: blockKey(s.id) }, { type: 'del', key: infoKey(s.id) })
  }
  if (ops.length > 0) await store.db.batch(ops)
  return ops.length / 3
}
