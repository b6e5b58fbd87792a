// The admin token: random, created once in the data dir (mode 0600); admin routes need it as a
// bearer token and are refused from non-loopback clients anyway.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const ADMIN_TOKEN_FILE = 'admin-token'

export function ensureAdminToken (dataDir: string): string {
  const path = join(dataDir, ADMIN_TOKEN_FILE)
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim()
    if (/^[0-9a-f]{64}$/.test(t)) return t
  }
  const t = randomBytes(32).toString('hex')
  writeFileSync(path, t + '\n', { mode: 0o600 })
  return t
}

export function tokenMatches (given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given); const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
