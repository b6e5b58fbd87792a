// Proof of Transaction (PROTOCOL §4): pure integer functions, BigInt throughout, no floating point.
// Every node must compute exactly these numbers, so each line mirrors the protocol text.
import { sha256 } from '../crypto.js'

export interface PotParams {
  /** T, seconds. */
  blockTime: bigint
  MIN_BT: bigint
  MAX_BT: bigint
  R_MIN: bigint
  R_MAX: bigint
}

export const TWO_64 = 1n << 64n

export function potParams (blockTime: bigint | number): PotParams {
  const T = BigInt(blockTime)
  const MIN_BT = T / 5n > 1n ? T / 5n : 1n
  return { blockTime: T, MIN_BT, MAX_BT: (9n * T) / 5n, R_MIN: T - (7n * T) / 60n, R_MAX: T + (7n * T) / 60n }
}

/** Integer square root: the largest r with r·r ≤ n. */
export function isqrt (n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number')
  if (n < 2n) return n
  // Newton's method from a power of two at or above √n: the iterates fall monotonically to ⌊√n⌋,
  // doubling the correct bits each step, so it is exact and O(log bits) steps for any size.
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2))
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) return x
    x = y
  }
}

/** p = ⌊√power⌋. */
export function effectivePower (power: bigint | number): bigint {
  return isqrt(BigInt(power))
}

/** BT0 = ⌊2^64 / (T · max(1, Σ ⌊√power⌋))⌋ over the genesis accounts. */
export function genesisBaseTarget (blockTime: bigint | number, powers: Array<bigint | number>): bigint {
  let sum = 0n
  for (const p of powers) sum += effectivePower(p)
  if (sum < 1n) sum = 1n
  return TWO_64 / (BigInt(blockTime) * sum)
}

export interface BtPoint { n: bigint | number, t: bigint | number, b: bigint }

/**
 * Base target of the child of `parent`. `ancestor3` is the block three back from the parent
 * (height P.n − 3); it is unused while P.n < 3, where every block carries BT0 = parent.b.
 */
export function nextBaseTarget (parent: BtPoint, ancestor3: BtPoint | undefined, blockTime: bigint | number): bigint {
  const { blockTime: T, R_MIN, R_MAX } = potParams(blockTime)
  if (BigInt(parent.n) < 3n) return parent.b
  if (ancestor3 === undefined) throw new RangeError('nextBaseTarget needs the ancestor three blocks back')
  let I = (BigInt(parent.t) - BigInt(ancestor3.t)) / 3n
  if (I < 0n) I = 0n
  let b: bigint
  if (I > T) {
    b = (parent.b * (I < R_MAX ? I : R_MAX)) / T
  } else {
    const step = (parent.b * 64n) / 100n
    b = parent.b - (step * (T - (I > R_MIN ? I : R_MIN))) / T
  }
  return b < 1n ? 1n : b
}

/** g = SHA-256(P.g ‖ m). */
export function generationSignature (parentG: Uint8Array, minerKey: Uint8Array): Uint8Array {
  return sha256(parentG, minerKey)
}

/** The first 8 bytes of g as a big-endian unsigned integer. */
export function hitOf (g: Uint8Array): bigint {
  let h = 0n
  for (let i = 0; i < 8; i++) h = (h << 8n) | BigInt(g[i])
  return h
}

export interface EligibilityInput { b: bigint, p: bigint, hit: bigint, delta: bigint | number, blockTime: bigint | number }

/** Δ < MIN_BT: never. Δ ≥ MAX_BT: always (liveness). Otherwise b·p·Δ > hit, and p = 0 fails. */
export function isEligible ({ b, p, hit, delta, blockTime }: EligibilityInput): boolean {
  const { MIN_BT, MAX_BT } = potParams(blockTime)
  const d = BigInt(delta)
  if (d < MIN_BT) return false
  if (d >= MAX_BT) return true
  if (p <= 0n) return false
  return b * p * d > hit
}

export interface EarliestInput { parentT: bigint | number, b: bigint, p: bigint, hit: bigint, blockTime: bigint | number }

/** P.t + clamp(⌊hit / (b·p)⌋ + 1, MIN_BT, MAX_BT); P.t + MAX_BT when p = 0. */
export function earliestMiningTime ({ parentT, b, p, hit, blockTime }: EarliestInput): bigint {
  const { MIN_BT, MAX_BT } = potParams(blockTime)
  const t0 = BigInt(parentT)
  if (p <= 0n || b <= 0n) return t0 + MAX_BT
  let d = hit / (b * p) + 1n
  if (d < MIN_BT) d = MIN_BT
  if (d > MAX_BT) d = MAX_BT
  return t0 + d
}

/** d = P.d + ⌊2^64 / b⌋. */
export function cumulativeDifficulty (parentD: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError('base target must be positive')
  return parentD + TWO_64 / b
}

/** Height of the checkpoint a block at height n names: cp(n) = max(0, ⌊n / M⌋·M − M). */
export function checkpointHeight (n: number, mutableRange: number): number {
  const h = Math.floor(n / mutableRange) * mutableRange - mutableRange
  return h > 0 ? h : 0
}
