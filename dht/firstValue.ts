// An immutable lookup has its answer at the first reply whose value hashes to the target, but the
// library calls back only once every query the lookup sent has ended: one silent node among them held
// a found item back for a whole query timeout (in the 1,000-node simulation with 20 % of the nodes
// silent, nearly every immutable get). This watches the engine's replies and settles a lookup at the
// first verified value; the library's lookup ends in the background, bounded by its query timeouts.
// One listener per socket, whatever the number of lookups: a reply's value is hashed once and looked
// up by target, not checked by each running lookup in turn.
import type { GetResult, KrpcMessage, KrpcSocket } from 'bittorrent-dht'
import { sha256 } from '../chain/crypto.js'
import { toHex } from '../chain/hex.js'
import { canonicalOf } from './wire.js'

type Found = (res: GetResult) => void

const watches = new WeakMap<KrpcSocket, Map<string, Set<Found>>>()

/** Calls `found` with the first reply value whose canonical bytes hash to `target`; returns the unsubscribe. */
export function onFirstImmutable (sock: KrpcSocket, target: Uint8Array, found: Found): () => void {
  let byTarget = watches.get(sock)
  if (byTarget === undefined) {
    const map = new Map<string, Set<Found>>()
    byTarget = map
    watches.set(sock, map)
    sock.on('response', (message: KrpcMessage) => {
      const r = message.r
      if (map.size === 0 || r === undefined || r.v === undefined) return
      let key: string
      try {
        const c = canonicalOf(r.v)
        if (!c.ok) return
        key = toHex(sha256(c.bytes))
      } catch {
        return // not a value we can read: the library's own lookup decides
      }
      const fns = map.get(key)
      if (fns === undefined) return
      const res: GetResult = { v: r.v, id: Buffer.isBuffer(r.id) ? r.id : undefined }
      for (const fn of [...fns]) fn(res)
    })
  }
  const key = toHex(target)
  let fns = byTarget.get(key)
  if (fns === undefined) { fns = new Set(); byTarget.set(key, fns) }
  fns.add(found)
  const map = byTarget
  return () => {
    const set = map.get(key)
    set?.delete(found)
    if (set?.size === 0) map.delete(key)
  }
}
