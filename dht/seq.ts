// The publisher's BEP44 sequence clock: milliseconds, strictly increasing, surviving restarts.
// Storing nodes reject seq ≤ stored seq (302), so a node whose wall clock stepped back, or that
// published twice in one millisecond, or restarted within the same millisecond, would have its
// update silently refused. next() = max(now_ms, last + 1).
// Persistence is by reservation: the file holds a bound R that no seq handed out ever exceeds, and
// R is written (synchronously, write-then-rename) *before* a seq above the old R is handed out, as
// the new seq + SEQ_RESERVE_MS. A restart starts from last = R, so every later seq is > R ≥ every
// seq handed out before the crash: a crash can skip values (up to SEQ_RESERVE_MS of them) but
// never reuse one. Between reservations next() touches no file (it was one write per publish).
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SEQ_RESERVE_MS } from './constants.js'
import { DhtError } from './errors.js'

export const SEQ_FILE = 'dht-seq.json'

export class SeqClock {
  private last: number
  /** The bound persisted in the file (every seq handed out is ≤ it); without a file, unused. */
  private reserved: number
  /** File writes made (reservations), for tests and profiles. */
  writes = 0
  private readonly file?: string

  /**
   * With `dataDir`, the reservation is read from and written to `<dataDir>/dht-seq.json`.
   * `reserveMs`: how far past a new seq each write reserves (SEQ_RESERVE_MS; 0 writes every seq).
   */
  constructor (dataDir?: string, private readonly now: () => number = Date.now, private readonly reserveMs: number = SEQ_RESERVE_MS) {
    this.file = dataDir === undefined ? undefined : join(dataDir, SEQ_FILE)
    this.last = this.file === undefined ? 0 : readLast(this.file)
    this.reserved = this.last
  }

  /** The last seq handed out (0 if none); after a restart, the reservation read (no later seq is below it). */
  get current (): number {
    return this.last
  }

  next (): number {
    const seq = Math.max(Math.floor(this.now()), this.last + 1)
    if (!Number.isSafeInteger(seq)) throw new DhtError('DHT_BAD_SEQ', `seq ${seq} is not a safe integer`)
    if (this.file !== undefined && seq > this.reserved) {
      const bound = seq + this.reserveMs
      if (!Number.isSafeInteger(bound)) throw new DhtError('DHT_BAD_SEQ', `seq reservation ${bound} is not a safe integer`)
      // Write-then-rename: a torn write never leaves a smaller or unreadable value behind. The
      // write comes before the seq is handed out: if it throws, no seq past the old bound exists.
      const tmp = this.file + '.tmp'
      writeFileSync(tmp, JSON.stringify({ version: 1, last: bound }) + '\n')
      renameSync(tmp, this.file)
      this.reserved = bound
      this.writes++
    }
    this.last = seq
    return seq
  }
}

/** The persisted reservation (named `last` in the file: a file from before reservations held the last seq, an equally valid bound). */
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
