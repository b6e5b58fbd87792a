// Recursive mutable get (BEP44 `get` of a salted mutable item) on the engine's own walk (walk.ts),
// to the end of the walk: the answer is the highest seq among the k closest nodes' replies and the
// node's own stored copy (the library's get with `cache: false`, which callers rely on: "first
// value" is the first reply that verifies, "authoritative" the best one when the walk is over).
// bittorrent-dht re-encoded each answer's signature data with bencode and asked the verify hook
// for every reply that carried a value. Here a reply is checked cheapest first, and only if it
// could win: key, seq and signature sizes; seq above the best so far, or equal to the node's own
// copy while no reply has verified (so the hook hears of the first reply carrying the value, as
// with the library, and a holder's "first value" does not wait for the end of the walk; get.ts's
// hook knows the stored copy's signature and does not check it again); sha256(k ‖ salt) = target
// (once per distinct key); canonical value (the bytes the signature covers, TAU's dicts only);
// then the verify hook, at most once per distinct (signature, signature data) in a walk (nodes
// holding the same item answer with the same bytes).
import type DHT from 'bittorrent-dht'
import type { GetResult, Verify } from 'bittorrent-dht'
import { bytesEqual } from '../chain/hex.js'
import { MUTABLE_LOOKUP_MAX_QUERIES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, WALK_ALPHA } from './constants.js'
import { canonicalOf, isBytesOf, isSafeUint, mutableTarget, signatureData } from './wire.js'
import { walk } from './walk.js'

/** One signature checked in this walk: over which signature data, and whether it passed. */
interface Seen { msg: Uint8Array, ok: boolean }

/**
 * Walks towards `target` and calls `done` once, with the highest-seq reply that checks (or the
 * node's own stored copy when nothing better came), else null. `verify(sig, signatureData, k)`:
 * the BEP44 hook (get.ts passes a LookupVerifier).
 */
export function latestMutable (dht: DHT, target: Uint8Array, salt: Uint8Array, verify: Verify, done: (res: GetResult | null) => void, alpha = WALK_ALPHA): void {
  const key = Buffer.from(target)
  const saltBuf = Buffer.from(salt)
  const own = dht._values.get(key.toString('hex'))
  let best: GetResult | null = own === undefined ? null : { ...own }
  let bestChecked = false // best came through the hook in this walk (not just the stored copy)
  let goodKey: Buffer | undefined // a k whose sha256(k ‖ salt) is the target
  const checked = new Map<string, Seen>() // signature (hex) → what it was checked over
  walk(dht, {
    target: key,
    message: { q: 'get', a: { id: dht._rpc.id, target: key } },
    alpha,
    maxQueries: MUTABLE_LOOKUP_MAX_QUERIES,
    onReply: (_n, r) => {
      const { k, sig, seq } = r
      if (r.v === undefined || !isBytesOf(k, PUBLIC_KEY_BYTES) || !isBytesOf(sig, SIGNATURE_BYTES) || !isSafeUint(seq)) return false
      if (best !== null && typeof best.seq === 'number' && (seq < best.seq || (seq === best.seq && bestChecked))) return false // cannot win
      if (goodKey === undefined || !goodKey.equals(k)) {
        if (!bytesEqual(mutableTarget(k, salt), target)) return false
        goodKey = k
      }
      const c = canonicalOf(r.v)
      if (!c.ok) return false
      const msg = signatureData(salt, seq, c.bytes)
      const sigHex = sig.toString('hex')
      let seen = checked.get(sigHex)
      if (seen === undefined || !bytesEqual(seen.msg, msg)) {
        seen = { msg, ok: safeVerify(verify, sig, msg, k) }
        checked.set(sigHex, seen)
      }
      if (!seen.ok) return false
      bestChecked = true
      // An equal seq keeps the stored copy, as the library did (it replaced only on a higher seq).
      if (best === null || typeof best.seq !== 'number' || seq > best.seq) best = { v: r.v, id: Buffer.isBuffer(r.id) ? r.id : undefined, k, sig, seq, salt: saltBuf }
      return false
    },
    done: () => done(best)
  })
}

function safeVerify (verify: Verify, sig: Uint8Array, msg: Uint8Array, k: Uint8Array): boolean {
  try {
    return verify(sig, msg, k)
  } catch {
    return false // a hook that throws refuses the answer; it must not end the walk
  }
}
