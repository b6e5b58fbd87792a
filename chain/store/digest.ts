// The state digest: a multiset hash over the account records, kept in the 'M' 'digest' record and
// updated in the same batch as every state change, in O(changed accounts): remove each old record,
// add each new one. The open check and `tau-node check` recompute it from the stored accounts and
// compare, so a deleted, added or altered account record is found without replaying the chain.
//
// Construction: LtHash (Bellare–Micciancio's additive hash over a lattice, the parameters of Lewi et
// al., "Securing Update Propagation with Homomorphic Hashing", 2019): each element is expanded by
// SHAKE256 to 1024 lanes of 16 bits, and the digest is the lane-wise sum mod 2^16. Removal is the
// lane-wise difference. A plain sum of 256-bit SHA-256 values (mod 2^256) would be open to Wagner's
// generalized-birthday attack (a set of records summing to a chosen digest is cheap to find); with
// 1024 × 16-bit lanes that attack reduces to a short-vector lattice problem estimated at ≥ 200 bits.
// MuHash (Bitcoin Core) would need 3072-bit modular arithmetic in BigInt; LtHash needs only
// Uint16Array adds and one SHAKE256 call per element (node:crypto, no dependency).
import { createHash } from 'node:crypto'
import type { Account } from '../state/account.js'
import { encodeAccount } from '../state/account.js'
import { bytesEqual, toHex } from '../hex.js'
import { DIGEST_ELEMENT_CACHE_ENTRIES, DIGEST_LANES, DIGEST_RECORD_BYTES } from './constants.js'
import { Lru } from './lru.js'

const DIGEST_VERSION = 1
/** Domain separation: the same bytes hashed for another purpose give unrelated lanes. */
const DOMAIN = new TextEncoder().encode('tau-node/state-digest/v1')

export class StateDigest {
  readonly lanes: Uint16Array
  count: number

  constructor (lanes?: Uint16Array, count = 0) {
    this.lanes = lanes ?? new Uint16Array(DIGEST_LANES)
    this.count = count
  }

  clone (): StateDigest { return new StateDigest(Uint16Array.from(this.lanes), this.count) }

  /** Adds one account record (its key and canonical encoding). */
  add (key: Uint8Array, account: Account, cache?: ElementCache): void {
    const v = cache?.expand(key, account) ?? expand(key, account)
    for (let i = 0; i < DIGEST_LANES; i++) this.lanes[i] += v[i]
    this.count++
  }

  /** Removes one account record that was added before. */
  remove (key: Uint8Array, account: Account, cache?: ElementCache): void {
    const v = cache?.expand(key, account) ?? expand(key, account)
    for (let i = 0; i < DIGEST_LANES; i++) this.lanes[i] -= v[i]
    this.count--
  }

  equals (o: StateDigest): boolean {
    if (this.count !== o.count) return false
    for (let i = 0; i < DIGEST_LANES; i++) if (this.lanes[i] !== o.lanes[i]) return false
    return true
  }

  /** A short fingerprint for logs and reports (first 8 bytes of SHA-256 of the lanes). */
  fingerprint (): string {
    return createHash('sha256').update(this.lanes).digest('hex').slice(0, 16)
  }

  encode (): Uint8Array {
    const out = new Uint8Array(DIGEST_RECORD_BYTES)
    const dv = new DataView(out.buffer)
    out[0] = DIGEST_VERSION
    dv.setBigUint64(1, BigInt(this.count))
    for (let i = 0; i < DIGEST_LANES; i++) dv.setUint16(9 + 2 * i, this.lanes[i], true)
    return out
  }

  static decode (b: Uint8Array): StateDigest {
    if (b.length !== DIGEST_RECORD_BYTES) throw new Error(`expected ${DIGEST_RECORD_BYTES} bytes, got ${b.length}`)
    if (b[0] !== DIGEST_VERSION) throw new Error(`unknown digest version ${b[0]}`)
    const dv = new DataView(b.buffer, b.byteOffset, b.length)
    const count = Number(dv.getBigUint64(1))
    if (!Number.isSafeInteger(count)) throw new Error('account count out of range')
    const lanes = new Uint16Array(DIGEST_LANES)
    for (let i = 0; i < DIGEST_LANES; i++) lanes[i] = dv.getUint16(9 + 2 * i, true)
    return new StateDigest(lanes, count)
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** SHAKE256(domain ‖ key ‖ canonical account) read as 1024 little-endian u16 lanes. */
function expand (key: Uint8Array, account: Account): Uint16Array {
  return expandEncoded(key, encodeAccount(account))
}

function expandEncoded (key: Uint8Array, encoded: Uint8Array): Uint16Array {
  const out = createHash('shake256', { outputLength: 2 * DIGEST_LANES }).update(DOMAIN).update(key).update(encoded).digest()
  // On little-endian hosts (all Node targets in practice) the bytes are the lanes: no copy.
  if (LITTLE_ENDIAN && out.byteOffset % 2 === 0) return new Uint16Array(out.buffer, out.byteOffset, DIGEST_LANES)
  const lanes = new Uint16Array(DIGEST_LANES)
  for (let i = 0; i < DIGEST_LANES; i++) lanes[i] = out[2 * i] | (out[2 * i + 1] << 8)
  return lanes
}

/**
 * The expansion of each account's newest record, for the commit path: a record a commit adds is
 * the one a later commit removes, so an account that changes block after block (a miner, a busy
 * sender) costs one expansion per change instead of two. Bounded LRU, 2 KiB per entry.
 */
export class ElementCache {
  private readonly lru: Lru<string, { encoded: Uint8Array, lanes: Uint16Array }>

  constructor (entries = DIGEST_ELEMENT_CACHE_ENTRIES) { this.lru = new Lru(entries) }

  expand (key: Uint8Array, account: Account): Uint16Array {
    const k = toHex(key)
    const encoded = encodeAccount(account)
    const hit = this.lru.get(k)
    if (hit !== undefined && bytesEqual(hit.encoded, encoded)) return hit.lanes
    const lanes = expandEncoded(key, encoded)
    this.lru.set(k, { encoded, lanes })
    return lanes
  }

  /** Entries held (for the store's cache figures). */
  get size (): number { return this.lru.size }

  clear (): void { this.lru.clear() }
}

/** The digest of a whole state (genesis, a replay, a reindex). */
export function digestOf (accounts: Iterable<{ key: Uint8Array, account: Account }>): StateDigest {
  const d = new StateDigest()
  for (const { key, account } of accounts) d.add(key, account)
  return d
}
