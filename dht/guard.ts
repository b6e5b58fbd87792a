// Incoming-query validation. bittorrent-dht 11 trusts field types: one `get` with an integer
// target, or a `put` with an integer token, throws out of its UDP handler and kills the process
// (lab notes §7.1). Every query passes through checkQuery before the library sees it; a query
// that fails is dropped (no reply: a malformed packet deserves no amplification) and counted.
import type { KrpcMessage } from 'bittorrent-dht'
import {
  ID_BYTES, MAX_QUERY_NAME_BYTES, MAX_SALT_BYTES, MAX_TID_BYTES, MAX_TOKEN_BYTES,
  PUBLIC_KEY_BYTES, SIGNATURE_BYTES
} from './constants.js'
import { isBytes, isBytesMax, isBytesOf, isSafeUint, measureValue } from './wire.js'

export type QueryName = 'ping' | 'find_node' | 'get_peers' | 'announce_peer' | 'get' | 'put'
const QUERY_NAMES: readonly string[] = ['ping', 'find_node', 'get_peers', 'announce_peer', 'get', 'put']

/** A query whose envelope and arguments have the types the library assumes. */
export interface CheckedQuery { q: QueryName, a: Record<string, unknown> }
export type QueryCheck = { ok: true, query: CheckedQuery } | { ok: false, reason: string }

const fail = (reason: string): QueryCheck => ({ ok: false, reason })

export function checkQuery (msg: KrpcMessage): QueryCheck {
  if (typeof msg !== 'object' || msg === null) return fail('not_dict')
  if (!isBytes(msg.t) || msg.t.length === 0 || msg.t.length > MAX_TID_BYTES) return fail('bad_tid')
  if (!isBytesMax(msg.q, MAX_QUERY_NAME_BYTES)) return fail('bad_q')
  const q = msg.q.toString('latin1')
  if (!QUERY_NAMES.includes(q)) return fail('unknown_query')
  const a = msg.a
  if (typeof a !== 'object' || a === null || Array.isArray(a) || ArrayBuffer.isView(a)) return fail('bad_args')
  if (!isBytesOf(a.id, ID_BYTES)) return fail('bad_id')
  const reason = checkArgs(q as QueryName, a)
  return reason === null ? { ok: true, query: { q: q as QueryName, a } } : fail(reason)
}

function checkArgs (q: QueryName, a: Record<string, unknown>): string | null {
  switch (q) {
    case 'ping':
      return null
    case 'find_node':
    case 'get':
      return isBytesOf(a.target, ID_BYTES) ? null : 'bad_target'
    case 'get_peers':
      return isBytesOf(a.info_hash, ID_BYTES) ? null : 'bad_info_hash'
    case 'announce_peer':
      if (!isBytesOf(a.info_hash, ID_BYTES)) return 'bad_info_hash'
      if (!isBytesMax(a.token, MAX_TOKEN_BYTES)) return 'bad_token'
      if (a.port !== undefined && !isSafeUint(a.port)) return 'bad_port'
      if (a.implied_port !== undefined && !isSafeUint(a.implied_port)) return 'bad_port'
      return null
    case 'put':
      return checkPut(a)
  }
}

function checkPut (a: Record<string, unknown>): string | null {
  if (!isBytesMax(a.token, MAX_TOKEN_BYTES) || a.token.length === 0) return 'bad_token'
  if (a.v === undefined) return 'missing_v'
  const m = measureValue(a.v)
  if (!m.ok) return `v_${m.reason}`
  // The library treats a put as mutable when either k or sig is present, and hashes k before it
  // verifies anything, so both must be well-formed together.
  if (a.k !== undefined || a.sig !== undefined) {
    if (!isBytesOf(a.k, PUBLIC_KEY_BYTES)) return 'bad_k'
    if (!isBytesOf(a.sig, SIGNATURE_BYTES)) return 'bad_sig'
    if (!isSafeUint(a.seq)) return 'bad_seq'
    if (a.cas !== undefined && !isSafeUint(a.cas)) return 'bad_cas'
  }
  if (a.salt !== undefined && (!isBytesMax(a.salt, MAX_SALT_BYTES) || a.salt.length === 0)) return 'bad_salt'
  return null
}
