// Small JSON files of the messaging state (<data-dir>/messaging/*.json), replaced atomically
// (write a temp file, rename), so a crash leaves the old or the new file, never half of one.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** The file's JSON object, or {} when it is missing or not an object (callers check each entry). */
export function readJsonObject (file: string): Record<string, unknown> {
  let raw: unknown
  try { raw = JSON.parse(readFileSync(file, 'utf8')) } catch { return {} }
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw as Record<string, unknown> : {}
}

export function writeJsonAtomic (file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(value))
  renameSync(tmp, file)
}
