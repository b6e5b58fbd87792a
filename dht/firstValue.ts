// An immutable lookup has its answer at the first reply whose value hashes to the target, but the
// library calls back only once every query the lookup sent has ended: one silent node among them held
// a found item back for a whole query timeout (in the 1,000-node simulation with 20 % of the nodes
// silent, nearly every immutable get). This watches the engine's replies and settles at the first
// verified value; the library's lookup ends in the background, bounded by its query timeouts.
import type { GetResult, KrpcMessage, KrpcSocket } from 'bittorrent-dht'
import { verifyImmutable } from './verify.js'

/** Calls `found` with the first reply value that hashes to `target`; returns the unsubscribe. */
export function onFirstImmutable (sock: KrpcSocket, target: Uint8Array, found: (res: GetResult) => void): () => void {
  const listener = (message: KrpcMessage): void => {
    const r = message.r
    if (r === undefined || r.v === undefined) return
    try {
      if (!verifyImmutable(r.v, target).ok) return
    } catch {
      return // not a value we can read: the library's own lookup decides
    }
    found({ v: r.v, id: Buffer.isBuffer(r.id) ? r.id : undefined })
  }
  sock.on('response', listener)
  return () => { sock.removeListener('response', listener) }
}
