// The tip mark: a small file next to LevelDB's own files (`<store dir>/TAU-TIP`) holding the height
// and id of the last committed tip, rewritten after every commit that moves the tip. LevelDB drops
// the tail of its log after a torn write (a power loss, a disk that lies about flushes) without a
// word; the mark is a second witness, so the open can say how many committed blocks are gone
// (they are fetched again from peers). LevelDB ignores files whose names it does not use.
// It is written without fsync (as are the commits by default): after a power loss it can be older
// than the store, never newer than what was committed, so a shortfall it shows is real.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toHex } from '../hex.js'

export const TIP_MARK_FILE = 'TAU-TIP'

export interface TipMark { height: number, id: string }

export function writeTipMark (dir: string, height: number, id: Uint8Array): void {
  try {
    writeFileSync(join(dir, TIP_MARK_FILE), `${height} ${toHex(id)}\n`)
  } catch {
    // A witness only: a full disk or a read-only dir must not fail a commit that LevelDB made.
  }
}

/** The mark, or undefined when absent or unreadable (a store from before marks, or a damaged file). */
export function readTipMark (dir: string): TipMark | undefined {
  let text: string
  try { text = readFileSync(join(dir, TIP_MARK_FILE), 'utf8') } catch { return undefined }
  const m = /^(\d{1,15}) ([0-9a-f]{64})\n?$/.exec(text)
  if (m === null) return undefined
  return { height: Number(m[1]), id: m[2] }
}
