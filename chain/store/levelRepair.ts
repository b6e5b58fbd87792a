// Repairing damaged LevelDB files before a reindex. The work happens on a copy (`<dir>.repair`):
// first LevelDB's own RepairDB (in a child process, because it can abort on a table whose keys a
// flipped byte put out of order, which crashed `--reindex` before), and when that fails or leaves
// unreadable data, a salvage that copies every readable record into a new database, skipping the
// unreadable key ranges. The damaged original is kept as `<dir>.damaged-<unix ms>`, never deleted:
// the repair throws no readable block away, and the operator removes the copy once the node synced.
import { spawn } from 'node:child_process'
import { cpSync, renameSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ClassicLevel } from 'classic-level'
import { ChainError } from '../errors.js'
import { LEVEL_REPAIR_TIMEOUT_MS, SALVAGE_BATCH_RECORDS, SALVAGE_MAX_SKIPS } from './constants.js'
import { isLevelCorruption } from './levelErrors.js'
import type { Db } from './db.js'

const CHILD = fileURLToPath(new URL('./levelRepairChild.mjs', import.meta.url))

export interface LevelRepairReport {
  method: 'leveldb-repair' | 'salvage'
  /** Records readable after the repair. */
  records: number
  /** Unreadable key ranges the salvage skipped (0 for LevelDB's repair). */
  skippedRanges: number
  damagedCopy: string
  ms: number
}

export async function repairLevelDir (dir: string): Promise<LevelRepairReport> {
  const started = Date.now()
  const work = `${dir}.repair`
  rmSync(work, { recursive: true, force: true })
  cpSync(dir, work, { recursive: true })
  let method: LevelRepairReport['method'] = 'leveldb-repair'
  let skippedRanges = 0
  let records = (await runChild(work)) ? await readableCount(work) : undefined
  if (records === undefined) {
    rmSync(work, { recursive: true, force: true })
    method = 'salvage'
    const s = await salvageLevelDir(dir, work)
    records = s.records
    skippedRanges = s.skipped
  }
  const damagedCopy = `${dir}.damaged-${Date.now()}`
  renameSync(dir, damagedCopy)
  renameSync(work, dir)
  return { method, records, skippedRanges, damagedCopy, ms: Date.now() - started }
}

/** LevelDB's RepairDB in a child process: true when it exited cleanly. */
async function runChild (dir: string): Promise<boolean> {
  return await new Promise(resolve => {
    const child = spawn(process.execPath, [CHILD, dir], { stdio: 'ignore' })
    const timer = setTimeout(() => { child.kill('SIGKILL') }, LEVEL_REPAIR_TIMEOUT_MS)
    child.on('error', () => { clearTimeout(timer); resolve(false) })
    child.on('exit', code => { clearTimeout(timer); resolve(code === 0) })
  })
}

/** Every record readable start to end, or undefined when LevelDB still reports damage. */
async function readableCount (dir: string): Promise<number | undefined> {
  const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    let n = 0
    const it = db.iterator()
    try {
      for (;;) {
        const chunk = await it.nextv(SALVAGE_BATCH_RECORDS)
        if (chunk.length === 0) return n
        n += chunk.length
      }
    } finally { await it.close() }
  } catch (e) {
    if (isLevelCorruption(e)) return undefined
    throw e
  } finally {
    await db.close().catch(() => {})
  }
}

/**
 * Copies every readable record of `from` into a new database `to`. A read that hits a damaged
 * block ends its iterator; the copy goes on from a key past the last good one, stepping further
 * (1/2^32, 1/2^24, ... of the key space after it) while reads keep failing.
 */
export async function salvageLevelDir (from: string, to: string): Promise<{ records: number, skipped: number }> {
  const src: Db = new ClassicLevel<Uint8Array, Uint8Array>(from, { keyEncoding: 'view', valueEncoding: 'view' })
  const dst: Db = new ClassicLevel<Uint8Array, Uint8Array>(to, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    await src.open()
  } catch (e) {
    throw new ChainError('STORE_REPAIR_FAILED', `neither LevelDB's repair nor a salvage can read ${from} (${(e as Error).message}); ` +
      'delete the data directory to resync from the network')
  }
  await dst.open()
  let records = 0
  let skipped = 0
  let last: Uint8Array | undefined
  let depth = 4 // bytes after the key's first that the next skip keeps
  try {
    while (skipped <= SALVAGE_MAX_SKIPS) {
      const it = src.iterator(last === undefined ? {} : { gt: last })
      try {
        for (;;) {
          const chunk = await it.nextv(SALVAGE_BATCH_RECORDS)
          if (chunk.length === 0) return { records, skipped }
          await dst.batch(chunk.map(([key, value]) => ({ type: 'put' as const, key, value })))
          records += chunk.length
          last = new Uint8Array(chunk[chunk.length - 1][0])
          depth = 4
        }
      } catch (e) {
        if (!isLevelCorruption(e)) throw e
        skipped++
        last = skipPast(last ?? new Uint8Array(0), depth)
        depth = Math.max(0, depth - 1)
      } finally {
        await it.close().catch(() => {})
      }
    }
    return { records, skipped }
  } finally {
    await src.close().catch(() => {})
    await dst.close()
  }
}

/** A key above every key that starts with `key`'s first depth+1 bytes (iterating `gt` it skips them all). */
function skipPast (key: Uint8Array, depth: number): Uint8Array {
  const len = Math.max(1, Math.min(key.length, depth + 1))
  const head = Uint8Array.from(key.subarray(0, len))
  if (key.length === 0) head[0] = 0
  // Every key beginning with `head` sorts at or below head ‖ 0xff × 64 (store keys are ≤ 65 bytes).
  const out = new Uint8Array(len + 64).fill(0xff)
  out.set(head, 0)
  return out
}
