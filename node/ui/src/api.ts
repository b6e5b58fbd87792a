// JSON from the node's public routes (the UI never calls an admin route). Every request has a
// deadline; a failure becomes an HttpError with the API's code, so pages can tell "not found"
// from "the node is down".
import { REQUEST_TIMEOUT_MS } from './constants.js'
export class HttpError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) { super(message) }
}

export async function getJson<T> (path: string, signal?: AbortSignal): Promise<T> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  const both = signal !== undefined ? AbortSignal.any([signal, timeout]) : timeout
  let res: Response
  try {
    res = await fetch(path, { signal: both, headers: { accept: 'application/json' } })
  } catch (e) {
    if (signal?.aborted === true) throw e
    throw new HttpError(0, 'NETWORK', `the node did not answer ${path}`)
  }
  const text = await res.text()
  let body: unknown
  try { body = JSON.parse(text) } catch { throw new HttpError(res.status, 'BAD_JSON', `${path} did not answer JSON`) }
  if (!res.ok) {
    const o = body as { code?: unknown, message?: unknown }
    throw new HttpError(res.status, typeof o.code === 'string' ? o.code : 'HTTP_' + String(res.status), typeof o.message === 'string' ? o.message : res.statusText)
  }
  return body as T
}

export const isNotFound = (e: unknown): boolean => e instanceof HttpError && e.status === 404
