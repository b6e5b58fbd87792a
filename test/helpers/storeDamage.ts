// Damaging real LevelDB data dirs the way a failing disk or an attacker would: raw record edits,
// byte flips in table files, a truncated log. For the store integrity tests and `tau-node check`.
import { ClassicLevel } from 'classic-level'
import { cpSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toHex } from '../../chain/hex.js'

export type RawDb = ClassicLevel<Uint8Array, Uint8Array>

export function rawDb (dir: string): RawDb {
  return new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
}

/** Puts (or deletes, value undefined) one raw record. */
export async function poke (dir: string, key: Uint8Array, value: Uint8Array | undefined): Promise<void> {
  const db = rawDb(dir)
  if (value === undefined) await db.del(key)
  else await db.put(key, value)
  await db.close()
}

export async function peek (dir: string, key: Uint8Array): Promise<Uint8Array | undefined> {
  const db = rawDb(dir)
  await db.open()
  const v = db.getSync(key)
  await db.close()
  return v === undefined ? undefined : new Uint8Array(v)
}

/** Every record as hex pairs, keys with one of `prefixes` (all when empty). */
export async function dumpRecords (dir: string, prefixes: number[] = []): Promise<Array<[string, string]>> {
  const db = rawDb(dir)
  const out: Array<[string, string]> = []
  for await (const [k, v] of db.iterator()) if (prefixes.length === 0 || prefixes.includes(k[0])) out.push([toHex(k), toHex(v)])
  await db.close()
  return out
}

export async function countRecords (dir: string): Promise<number> {
  const db = rawDb(dir)
  let n = 0
  for await (const _ of db.keys()) n++
  await db.close()
  return n
}

/** Moves everything into .ldb tables (a compaction), so table damage hits every record kind. */
export async function compactAll (dir: string): Promise<void> {
  const db = rawDb(dir)
  await db.open()
  await db.compactRange(Uint8Array.of(0), Uint8Array.of(255))
  await db.close()
}

export function filesOf (dir: string, suffix: string): string[] {
  return readdirSync(dir).filter(f => f.endsWith(suffix)).map(f => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)
}

/** Flips every bit of the byte at `pos` of a file. */
export function flipByte (file: string, pos: number): void {
  const buf = readFileSync(file)
  buf[pos] ^= 0xff
  writeFileSync(file, buf)
}

/** Cuts the newest LevelDB log to `keep` of its length (a torn write: the tail never reached the disk). */
export function tearLog (dir: string, keep: number): { file: string, from: number, to: number } {
  const logs = readdirSync(dir).filter(f => /^\d+\.log$/.test(f)).sort()
  const file = join(dir, logs[logs.length - 1])
  const from = statSync(file).size
  const to = Math.floor(from * keep)
  truncateSync(file, to)
  return { file, from, to }
}

export function copyDir (from: string, to: string): void {
  cpSync(from, to, { recursive: true })
}

/**
 * Compacts the store in `dir` into tables and flips one byte of the largest at a place LevelDB
 * itself reports (the layout shifts with receive times), as `opens` tells: it opens the store and
 * answers whether LevelDB reported corruption. Compressible records (height, info, tx-location,
 * undo keys) sort last, so the search runs from near the table's end (not its last 5%, where the
 * index block lies: damage there makes the whole table unreadable). `scratch` keeps the compacted copy.
 */
export async function flipUntilLevelCorruption (dir: string, scratch: string, levelCorrupt: () => Promise<boolean>): Promise<number> {
  await compactAll(dir)
  copyDir(dir, scratch)
  const size = statSync(filesOf(dir, '.ldb')[0]).size
  // Steps of 1/120 of the table (the first 1/60 steps missed every checked block once in CI).
  for (let i = 113; i >= 1; i--) {
    rmSync(dir, { recursive: true, force: true })
    copyDir(scratch, dir)
    const pos = Math.floor((i / 120) * size)
    flipByte(filesOf(dir, '.ldb')[0], pos)
    if (await levelCorrupt()) return pos
  }
  throw new Error('no flipped byte gave LEVEL_CORRUPTION')
}
