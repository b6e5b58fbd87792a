// The admin API client the messaging commands share (friends, messages, send-message): where the
// node's API is (--api, TAU_API, else 127.0.0.1:8080) and its token (--token-file, else
// <--data-dir or TAU_DATA_DIR or ./data/node>/admin-token). Errors come back as one line for stderr.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DEFAULTS } from '../config.js'

/** How long one request to the node may take (ms). */
export const ADMIN_REQUEST_TIMEOUT_MS = 10_000

export const ADMIN_OPTIONS = {
  api: { type: 'string' }, 'token-file': { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }
} as const

export const ADMIN_HELP = `  --api URL          the node's API [default: $TAU_API or http://127.0.0.1:8080]
  --token-file FILE  the node's admin token [default: <data-dir>/admin-token]
  --data-dir DIR     the node's data directory [default: $TAU_DATA_DIR or ${DEFAULTS.dataDir}]`

export class AdminClientError extends Error {}

export interface AdminTarget { base: string, token: string }

export function adminTarget (v: { api?: string, 'token-file'?: string, 'data-dir'?: string }): AdminTarget {
  const base = v.api ?? process.env.TAU_API ?? 'http://127.0.0.1:8080'
  const file = v['token-file'] ?? join(resolve(v['data-dir'] ?? process.env.TAU_DATA_DIR ?? DEFAULTS.dataDir), 'admin-token')
  let token: string
  try {
    token = readFileSync(file, 'utf8').trim()
  } catch (e) {
    throw new AdminClientError(`cannot read the admin token ${file}: ${(e as Error).message} (give --token-file or --data-dir)`)
  }
  return { base, token }
}

/** One admin request; the parsed JSON answer, or AdminClientError with the HTTP status and the node's code. */
export async function adminCall<T> (t: AdminTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(new URL(path, t.base), {
      method,
      headers: { authorization: `Bearer ${t.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(ADMIN_REQUEST_TIMEOUT_MS)
    })
  } catch (e) {
    throw new AdminClientError(`cannot reach ${t.base}: ${(e as Error).message}`)
  }
  const text = await res.text()
  if (!res.ok) throw new AdminClientError(`HTTP ${res.status} ${text}`)
  try { return JSON.parse(text) as T } catch { throw new AdminClientError(`the node answered something that is not JSON: ${text.slice(0, 200)}`) }
}

/** Runs a command body; an AdminClientError becomes "tau-node NAME: message" and exit code 1. */
export async function runAdmin (name: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn()
  } catch (e) {
    if (!(e instanceof AdminClientError)) throw e
    console.error(`tau-node ${name}: ${e.message}`)
    return 1
  }
}
