// Incoming-reply validation, the counterpart of guard.ts for responses (issue 14, item 2).
// k-rpc-socket matches a reply to its request by transaction id and removes the request *before*
// it looks at the reply; a reply whose `r.id` is not a byte string then throws out of
// `Buffer.equals`, and the query's callback never runs: the lookup that sent it waits for its
// whole timeout and keeps its listeners. Other fields are used by k-rpc and bittorrent-dht with the
// same trust (`k` concatenated as a Buffer, `v` re-encoded recursively). So every packet that the
// library would treat as a reply is decoded and checked here first; a malformed one never reaches
// the library, and the query it answers (same tid, same sender) is failed at once, so the lookup
// moves on as if that node had not answered.
import bencode from 'bencode'
import type { KrpcSocket } from 'bittorrent-dht'
import type { RemoteInfo } from 'node:dgram'
import {
  COMPACT_NODE_BYTES, ID_BYTES, MAX_REPLY_VALUES, MAX_TOKEN_BYTES, PUBLIC_KEY_BYTES, QUERY_TID_BYTES, SIGNATURE_BYTES
} from './constants.js'
import { isPlainDict, isSafeUint, measureValue } from './wire.js'

/** What to do with one UDP packet: hand it to the library, or drop it (and why, and which query it answered). */
export type ReplyCheck = { pass: true } | { pass: false, reason: string, tid?: number }

const PASS: ReplyCheck = { pass: true }
const enc = new TextEncoder()
// Every packet k-rpc-socket treats as a reply or an error carries its `y` key as these bytes: the
// key "y" and the one-byte value are always encoded exactly so. Packets without either (queries,
// the bulk of what a node serves) skip the second decode.
const REPLY_MARK = enc.encode('1:y1:r')
const ERROR_MARK = enc.encode('1:y1:e')

/** bencode 4 decodes byte strings as Uint8Arrays where k-rpc-socket's bencode 2 makes Buffers. */
const isByteString = (x: unknown): x is Uint8Array => x instanceof Uint8Array
const isByteStringOf = (x: unknown, n: number): boolean => isByteString(x) && x.length === n

/** Checks one incoming packet before the library decodes it. Never throws. */
export function checkReplyPacket (buf: Buffer): ReplyCheck {
  if (buf.indexOf(REPLY_MARK) === -1 && buf.indexOf(ERROR_MARK) === -1) return PASS
  let msg: unknown
  try {
    msg = bencode.decode(buf)
  } catch {
    return { pass: false, reason: 'reply_undecodable' }
  }
  if (!isPlainDict(msg)) return { pass: false, reason: 'reply_not_dict' }
  const y = msg.y
  const type = isByteStringOf(y, 1) ? String.fromCharCode((y as Uint8Array)[0]) : undefined
  if (type !== 'r' && type !== 'e') return PASS // a query (guard.ts) or a type the library ignores
  const t = msg.t
  if (!isByteStringOf(t, QUERY_TID_BYTES)) return { pass: false, reason: 'reply_bad_tid' }
  const tid = ((t as Uint8Array)[0] << 8) | (t as Uint8Array)[1]
  const reason = type === 'e' ? checkError(msg.e) : checkResponse(msg.r)
  return reason === null ? PASS : { pass: false, reason, tid }
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

interface SocketTable { _ids: number[], _reqs: Array<{ peer: { host: string, port: number } } | null> }

/**
 * Fails at once the pending query a dropped reply answered: same transaction id, sent to the
 * reply's host and port (so a third party cannot cancel our queries by guessing tids). True when
 * one was failed.
 */
export function failPendingQuery (sock: KrpcSocket, tid: number, from: RemoteInfo, reason: string): boolean {
  const table = sock as unknown as SocketTable
  const index = table._ids.indexOf(tid)
  if (index === -1 || tid === 0) return false
  const req = table._reqs[index]
  if (req === null || req === undefined || req.peer.host !== from.address || req.peer.port !== from.port) return false
  sock.cancel(tid, new BadReplyError(reason))
  return true
}
