// Signatures already checked, per frozen object: a frozen block / transaction / message never
// changes, so a signature that verified against a signer once verifies again. Keyed by the object
// (a WeakMap: bounded by what is still alive, e.g. the store's caches and a sync's fetched items),
// with the signer it verified against, so a check against another signer is never answered here.
// Filled by verifyObject itself and by pre-verification off the main thread (node/verifyPool.ts).
import { bytesEqual } from './hex.js'

const verified = new WeakMap<object, Uint8Array>()

/** Records that `obj`'s signature verified against `signer`; only frozen objects are kept. */
export function markVerified (obj: object, signer: Uint8Array): void {
  if (Object.isFrozen(obj)) verified.set(obj, signer)
}

/** True when `obj`'s signature is known to verify against `signer`. */
export function isVerified (obj: object, signer: Uint8Array): boolean {
  const k = verified.get(obj)
  return k !== undefined && bytesEqual(k, signer)
}
