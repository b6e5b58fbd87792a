// Integer random draws for peer sampling. Sampling is local (not consensus), but it still uses
// integers only, and a seeded source makes rounds reproducible in tests and simulations.
import { randomBytes } from 'node:crypto'
import { sha256 } from '../crypto.js'
import { bytesToBig } from '../hex.js'

/** A uniform integer in [0, bound), bound ≥ 1. */
export type Rng = (bound: bigint) => bigint

const TWO_256 = 1n << 256n

/** Rejection sampling over 256-bit draws: uniform for any bound below 2^256. */
function uniformFrom (draw: () => Uint8Array): Rng {
  return (bound: bigint): bigint => {
    if (bound < 1n || bound >= TWO_256) throw new RangeError('rng bound must be in [1, 2^256)')
    const limit = TWO_256 - (TWO_256 % bound)
    // Each draw is rejected with probability < 1/2; 64 rejections in a row would be a broken source.
    for (let k = 0; k < 64; k++) {
      const x = bytesToBig(draw())
      if (x < limit) return x % bound
    }
    throw new Error('rng: too many rejections')
  }
}

/** Deterministic: the k-th draw is SHA-256(seed ‖ k as 8 bytes big-endian). */
export function seededRng (seed: string | Uint8Array): Rng {
  const s = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed
  let counter = 0n
  return uniformFrom(() => {
    const c = new Uint8Array(8)
    new DataView(c.buffer).setBigUint64(0, counter++)
    return sha256(s, c)
  })
}

/** From the OS entropy source: what a live node samples with. */
export function cryptoRng (): Rng {
  return uniformFrom(() => new Uint8Array(randomBytes(32)))
}
