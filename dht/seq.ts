// The publisher's BEP44 sequence clock: milliseconds, strictly increasing, surviving restarts.
// Storing nodes reject seq ≤ stored seq (302), so a node whose wall clock stepped back, or that
// published twice in one millisecond, or restarted within the same millisecond, would have its
// update silently refused. next() = max(now_ms, last + 1), and `last` is persisted before it is
// handed out, so a crash can skip values but never reuse one.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DhtError } from './errors.js'

export const SEQ_FILE = 'dht-seq.json'

export class SeqClock {
  private last: number
  private readonly file?: string

  /** With `dataDir`, the last seq is read from and written to `<dataDir>/dht-seq.json`. */
  constructor (dataDir?: string, private readonly now: () => number = Date.now) {
    this.file = dataDir === undefined ? undefined : join(dataDir, SEQ_FILE)
    this.last = this.file === undefined ? 0 : readLast(this.file)
  }

  /** The last seq handed out (0 if none). */
  get current (): number {
    return this.last
  }

  next (): number {
    const seq = Math.max(Math.floor(this.now()), this.last + 1)
    if (!Number.isSafeInteger(seq)) throw new DhtError('DHT_BAD_SEQ', `seq ${seq} is not a safe integer`)
    if (this.file !== undefined) {
      // Write-then-rename: a torn write never leaves a smaller or unreadable value behind.
      const tmp = this.file + '.tmp'
      writeFileSync(tmp, JSON.stringify({ version: 1, last: seq }) + '\n')
      renameSync(tmp, this.file)
    }
    this.last = seq
    return seq
  }
}

function readLast (file: string): number {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw new DhtError('DHT_BAD_SEQ', `cannot read ${file}: ${(e as Error).message}`)
  }
  let last: unknown
  try {
    last = (JSON.parse(text) as { last?: unknown }).last
  } catch {
    last = undefined
  }
  // A corrupt file must not silently restart the clock at 0 (wall time would still win, but a
  // clock that stepped back would then reuse seqs): refuse and let the operator look.
  if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) {
    throw new DhtError('DHT_BAD_SEQ', `${file} does not hold a valid last seq`)
  }
  return last
}
