// LevelDB's own errors, mapped to the store's coded errors. classic-level reports a damaged table
// (a flipped byte in an .ldb file, a bad block checksum, a garbled compressed block) as
// LEVEL_CORRUPTION, at open, on a read or in the middle of a scan; left alone it reached the user
// as "unexpected error: Corruption: ..." with no repair named.
import { ChainError } from '../errors.js'
import { storeCorrupt } from './records.js'

/** LevelDB reported damaged files (on its own, or as the cause of a wrapping error). */
export function isLevelCorruption (e: unknown): boolean {
  const err = e as { code?: unknown, cause?: { code?: unknown } } | undefined
  return err?.code === 'LEVEL_CORRUPTION' || err?.cause?.code === 'LEVEL_CORRUPTION'
}

/** A STORE_CORRUPT error that says LevelDB found the damage (reindex then runs LevelDB's repair first). */
export function levelCorrupt (e: unknown, during: string): ChainError {
  const err = e as { message?: string, cause?: { message?: string } }
  const what = err.cause?.message ?? err.message ?? String(e)
  return storeCorrupt(`LevelDB found damaged data files while ${during} (${what})`, { level: 'LEVEL_CORRUPTION' })
}

/** Runs `f`, turning LevelDB corruption into STORE_CORRUPT; every other error passes through. */
export async function mapLevelAsync<T> (during: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (e) {
    if (isLevelCorruption(e)) throw levelCorrupt(e, during)
    throw e
  }
}

/** The error came from LevelDB's corruption report (mapped or not). */
export function fromLevelCorruption (e: unknown): boolean {
  return isLevelCorruption(e) || (e instanceof ChainError && e.data?.level === 'LEVEL_CORRUPTION')
}
