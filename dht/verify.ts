// Verification of every get answer, whichever path brought it (direct, recursive, local).
// The library checks recursive answers too, but with bencode 4's lenient view of the value; here
// the value must be a canonical TAU dict of at most 1000 bytes, so its bytes, hash and signature
// are exactly the ones the chain layer will see. Nothing here throws.
import { sha256, verifyHash } from '../chain/crypto.js'
import { bytesEqual, toHex } from '../chain/hex.js'
import { Lru } from '../chain/lru.js'
import { MAX_VALUE_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './constants.js'
import { canonicalOf, isBytesOf, isSafeUint, mutableTarget, signatureData, signatureDataPrefix } from './wire.js'

export type Rejection = 'not_dict' | 'bad_type' | 'too_deep' | 'oversize' | 'wrong_target' | 'bad_k' | 'bad_sig' | 'bad_seq'
export type Checked<T> = { ok: true, item: T } | { ok: false, reason: Rejection }

export interface MutableValue { value: Uint8Array, seq: number, k: Uint8Array }

/** An immutable answer: sha256(canonical bencode of v) must equal the target. */
export function verifyImmutable (v: unknown, target: Uint8Array): Checked<Uint8Array> {
  const c = canonicalOf(v)
  if (!c.ok) return c
  if (!bytesEqual(sha256(c.bytes), target)) return { ok: false, reason: 'wrong_target' }
  return { ok: true, item: c.bytes }
}

/** Bytes from the node's own store: a hash check suffices (the store holds canonical objects). */
export function verifyStoredBytes (bytes: Uint8Array, target: Uint8Array): Checked<Uint8Array> {
  if (bytes.length > MAX_VALUE_BYTES) return { ok: false, reason: 'oversize' }
  if (!bytesEqual(sha256(bytes), target)) return { ok: false, reason: 'wrong_target' }
  return { ok: true, item: bytes }
}

/** A signature already checked over exactly these signature-data bytes (see LookupVerifier). */
export interface CheckedSignature { msg: Uint8Array, sig: Uint8Array }

/**
 * A mutable answer {v, k, sig, seq}: sha256(k ‖ salt) must equal the target and the BIP340
 * signature over sha256(signature data) must verify under k. `onVerify` counts the Schnorr checks;
 * `known` skips the check when the very same signature over the very same bytes already passed.
 */
export function verifyMutable (r: Record<string, unknown>, salt: Uint8Array, target: Uint8Array, onVerify?: () => void, known?: CheckedSignature, remember?: (c: CheckedSignature) => void): Checked<MutableValue> {
  const { k, sig, seq } = r
  if (!isBytesOf(k, PUBLIC_KEY_BYTES)) return { ok: false, reason: 'bad_k' }
  if (!bytesEqual(mutableTarget(k, salt), target)) return { ok: false, reason: 'wrong_target' }
  if (!isSafeUint(seq)) return { ok: false, reason: 'bad_seq' }
  if (!isBytesOf(sig, SIGNATURE_BYTES)) return { ok: false, reason: 'bad_sig' }
  const c = canonicalOf(r.v)
  if (!c.ok) return c
  const msg = signatureData(salt, seq, c.bytes)
  if (known === undefined || !bytesEqual(known.sig, sig) || !bytesEqual(known.msg, msg)) {
    onVerify?.()
    if (!verifyHash(sig, sha256(msg), k)) return { ok: false, reason: 'bad_sig' }
    remember?.({ msg, sig: new Uint8Array(sig) })
  }
  return { ok: true, item: { value: c.bytes, seq, k: new Uint8Array(k) } }
}

/** BEP44 signature check as tau-node signs: BIP340 over SHA-256(signature data). Never throws. */
export function verifySignatureData (sig: unknown, msg: unknown, k: unknown): boolean {
  // Real typed arrays only: an object with a spoofed Uint8Array prototype throws on `.length`.
  const bytes = (x: unknown): x is Uint8Array => ArrayBuffer.isView(x) && x instanceof Uint8Array
  if (!bytes(sig) || !bytes(msg) || !bytes(k)) return false
  return verifyHash(sig, sha256(msg), k) // checks the lengths, never throws
}

/**
 * The verify hook for one recursive mutable get. bittorrent-dht checks the signature of every
 * answer and keeps the highest seq; with every replica holding the same item that is one Schnorr
 * check per responder (9 per get at k = 8) for one useful result. An answer whose seq is not above
 * the best verified one cannot win, so it is skipped unchecked; an answer under any key but the
 * publisher's is refused outright (else a validly signed item under an attacker's key with a huge
 * seq would raise the bar and hide the real one). The winner's bytes are remembered so the final
 * check (verifyMutable) need not verify it again.
 */
export class LookupVerifier {
  private best = -1
  /** The last answer that verified (the library keeps the highest seq, which is this one). */
  checked?: CheckedSignature
  private readonly prefix: Uint8Array

  /** `known`: the last item verified for this target (VerifiedCache); an answer equal to it is not checked again. */
  constructor (private readonly k: Uint8Array, salt: Uint8Array, private readonly onVerify?: () => void, private readonly known?: CheckedSignature) {
    this.prefix = signatureDataPrefix(salt)
  }

  readonly verify = (sig: Uint8Array, msg: Uint8Array, k: Uint8Array): boolean => {
    try {
      if (!(k instanceof Uint8Array) || !bytesEqual(k, this.k)) return false
      const seq = this.seqOf(msg)
      if (seq !== undefined && seq <= this.best) return false
      const known = this.known !== undefined && sig instanceof Uint8Array && msg instanceof Uint8Array &&
        bytesEqual(sig, this.known.sig) && bytesEqual(msg, this.known.msg)
      if (!known) {
        this.onVerify?.()
        if (!verifySignatureData(sig, msg, k)) return false
      }
      if (seq !== undefined) this.best = seq
      this.checked = { msg: new Uint8Array(msg), sig: new Uint8Array(sig) }
      return true
    } catch {
      return false // a verify hook runs inside the library's UDP handling: never throw
    }
  }

  /** The seq in `4:salt<n>:<salt>3:seqi<seq>e…`, or undefined if the bytes are not laid out so. */
  private seqOf (msg: Uint8Array): number | undefined {
    const p = this.prefix
    if (msg.length <= p.length || !bytesEqual(msg.subarray(0, p.length), p)) return undefined
    let seq = 0
    for (let i = p.length; i < msg.length && i < p.length + 17; i++) {
      const c = msg[i]
      if (c === 0x65) return i > p.length ? seq : undefined
      if (c < 0x30 || c > 0x39) return undefined
      seq = seq * 10 + (c - 0x30)
    }
    return undefined
  }
}

/**
 * The last verified (signature data, signature) per mutable target, so an answer that repeats it
 * (a poll of an unchanged channel, a push we already stored) costs no second Schnorr check. The
 * target binds k and salt, the signature data binds salt, seq and v: equal bytes are the same
 * signed item. Bounded: a newly verified signature becomes the youngest, a hit does not.
 */
export class VerifiedCache {
  private readonly items: Lru<string, CheckedSignature>
  hits = 0

  constructor (max: number) { this.items = new Lru(max) }

  get (target: Uint8Array): CheckedSignature | undefined {
    return this.items.peek(toHex(target))
  }

  set (target: Uint8Array, c: CheckedSignature): void {
    this.items.set(toHex(target), c)
  }

  get size (): number {
    return this.items.size
  }
}
