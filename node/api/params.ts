// Parameter checks shared by the routes: every bad input becomes a 400 with a code.
import { ApiError } from './http.js'

export function hexParam (v: string | undefined, bytes: number, name: string): Uint8Array {
  if (v === undefined || v.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(v)) {
    throw new ApiError('BAD_PARAM', `${name} must be ${bytes * 2} hex characters`)
  }
  return new Uint8Array(Buffer.from(v, 'hex'))
}

export function intParam (v: string | null | undefined, name: string, min: number, max: number, def?: number): number {
  if (v === undefined || v === null || v === '') {
    if (def !== undefined) return def
    throw new ApiError('BAD_PARAM', `${name} is required`)
  }
  if (!/^\d{1,16}$/.test(v)) throw new ApiError('BAD_PARAM', `${name} must be a non-negative integer`)
  const n = Number(v)
  if (n < min || n > max) throw new ApiError('BAD_PARAM', `${name} must be in [${min}, ${max}]`)
  return n
}

/** A boolean query flag: absent, 0/false or 1/true. */
export function flagParam (v: string | null, name: string): boolean {
  if (v === null || v === '' || v === '0' || v === 'false') return false
  if (v === '1' || v === 'true') return true
  throw new ApiError('BAD_PARAM', `${name} must be 0, 1, true or false`)
}
