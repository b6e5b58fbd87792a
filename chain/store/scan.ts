// Prefix scans for the open check, verify() and reindex(): chunked `nextv` reads with a 1 MiB
// read-ahead (twice the throughput of a plain async iterator, dependency-benchmarks.md §4).
import { SCAN_CHUNK_ENTRIES, SCAN_HIGH_WATER_MARK_BYTES } from './constants.js'
import { PREFIX_NAMES, describeKey, prefixRange } from './keys.js'
import { levelCorrupt, isLevelCorruption } from './levelErrors.js'
import type { Db } from './db.js'

export async function * scanPrefix (db: Db, prefix: number): AsyncGenerator<[Uint8Array, Uint8Array]> {
  const it = db.iterator({ ...prefixRange(prefix), highWaterMarkBytes: SCAN_HIGH_WATER_MARK_BYTES })
  try {
    for (;;) {
      let chunk: Array<[Uint8Array, Uint8Array]>
      try {
        chunk = await it.nextv(SCAN_CHUNK_ENTRIES)
      } catch (e) {
        if (isLevelCorruption(e)) throw levelCorrupt(e, `scanning the ${PREFIX_NAMES[prefix] ?? 'unknown'} records`)
        throw e
      }
      if (chunk.length === 0) return
      for (const entry of chunk) yield entry
    }
  } finally {
    await it.close()
  }
}

/** The first key in [gt, lt), if any. */
export async function firstKeyAfter (db: Db, gt: Uint8Array, lt: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const keys = await db.keys({ gt, lt, limit: 1 }).all()
    return keys[0]
  } catch (e) {
    if (isLevelCorruption(e)) throw levelCorrupt(e, `reading the keys after ${describeKey(gt)}`)
    throw e
  }
}

export async function isEmpty (db: Db): Promise<boolean> {
  const keys = await db.keys({ limit: 1 }).all()
  return keys.length === 0
}

/**
 * Reads every record once, start to end: LevelDB reports damaged tables only when a read reaches
 * them, so a reindex first makes sure none is left in a range it would not otherwise read (the
 * tx-location index, staged items) before it trusts the store. Returns the record count.
 */
export async function readEverything (db: Db): Promise<number> {
  const it = db.iterator({ highWaterMarkBytes: SCAN_HIGH_WATER_MARK_BYTES })
  let n = 0
  try {
    for (;;) {
      let chunk: Array<[Uint8Array, Uint8Array]>
      try {
        chunk = await it.nextv(SCAN_CHUNK_ENTRIES)
      } catch (e) {
        if (isLevelCorruption(e)) throw levelCorrupt(e, `reading record ${n + 1} of the store`)
        throw e
      }
      if (chunk.length === 0) return n
      n += chunk.length
    }
  } finally {
    await it.close()
  }
}
