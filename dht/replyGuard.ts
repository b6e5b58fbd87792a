// Incoming-reply validation, the counterpart of guard.ts for responses (issue 14, item 2).
// The library trusts the fields of a reply: a reply whose `r.id` is not a byte string threw out of
// k-rpc-socket's `Buffer.equals`, `k` is concatenated as a Buffer, `v` re-encoded recursively.
// The transport (krpcSocket.ts) decodes each packet once and, for a reply or error that matches
// one of our queries, runs this check before the query's callback: a malformed one never reaches
// the library, and the query it answers fails at once (BadReplyError), so the lookup moves on as
// if that node had not answered.
import {
  COMPACT_NODE_BYTES, ID_BYTES, MAX_REPLY_VALUES, MAX_TOKEN_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES
} from './constants.js'
import { isPlainDict, isSafeUint, measureValue } from './wire.js'

const isByteString = (x: unknown): x is Uint8Array => x instanceof Uint8Array
const isByteStringOf = (x: unknown, n: number): boolean => isByteString(x) && x.length === n

/** Why a decoded reply (`y` = 'r') or error (`y` = 'e') must not reach the library, or null. Never throws. */
export function checkReply (msg: Record<string, unknown>, type: 'r' | 'e'): string | null {
  return type === 'e' ? checkError(msg.e) : checkResponse(msg.r)
}

function checkError (e: unknown): string | null {
  // k-rpc-socket joins the list into a message and takes a numeric first item as the code.
  return Array.isArray(e) ? null : 'reply_bad_error'
}

function checkResponse (r: unknown): string | null {
  if (!isPlainDict(r)) return 'reply_bad_r'
  if (!isByteStringOf(r.id, ID_BYTES)) return 'reply_bad_id'
  if (r.token !== undefined && !(isByteString(r.token) && r.token.length <= MAX_TOKEN_BYTES)) return 'reply_bad_token'
  if (r.nodes !== undefined && !(isByteString(r.nodes) && r.nodes.length % COMPACT_NODE_BYTES === 0)) return 'reply_bad_nodes'
  if (r.values !== undefined) {
    if (!Array.isArray(r.values) || r.values.length > MAX_REPLY_VALUES || !r.values.every(isByteString)) return 'reply_bad_values'
  }
  if (r.v !== undefined && !measureValue(r.v, undefined, isByteString).ok) return 'reply_bad_v'
  // bittorrent-dht treats a reply as mutable when either is present and hashes k ‖ salt as Buffers.
  if (r.k !== undefined || r.sig !== undefined) {
    if (!isByteStringOf(r.k, PUBLIC_KEY_BYTES)) return 'reply_bad_k'
    if (!isByteStringOf(r.sig, SIGNATURE_BYTES)) return 'reply_bad_sig'
  }
  if (r.seq !== undefined && !isSafeUint(r.seq)) return 'reply_bad_seq'
  return null
}

/** The error a query failed by the guard ends with (its callers see a failed, not a timed-out, query). */
export class BadReplyError extends Error {
  readonly code = 'DHT_BAD_REPLY'
  constructor (readonly reason: string) {
    super(`malformed reply dropped (${reason})`)
  }
}
