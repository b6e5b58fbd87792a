// BIP340 signing and verification, the node's hottest cryptography (every transaction and block
// in a sync, every mutable DHT item read or stored). Two backends, one result:
// - libsecp256k1 itself (Debian's libsecp256k1-1 ≥ 0.2, the library Bitcoin Core uses) called
//   through koffi, an FFI whose native part comes prebuilt in its npm package: measured ~9× faster
//   verification and ~6× faster signing than the WASM build on this project's machine
//   (docs/performance.md, "Signatures, native").
// - tiny-secp256k1, the same C library compiled to WASM, wherever the shared library is missing,
//   fails its self-check below, or TAU_NATIVE_SECP256K1=0 is set.
// Plain JavaScript (with schnorr.d.mts for the types) so the verify worker (node/verifyWorker.mjs)
// imports it without a TypeScript loader. The shared library is looked up on first use, not at import.
// Lengths are checked here before any pointer reaches C: libsecp256k1 reads fixed sizes, and an
// illegal argument makes it abort the process rather than return.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import * as ecc from 'tiny-secp256k1'

const SONAMES = ['libsecp256k1.so.2', 'libsecp256k1.so.1', 'libsecp256k1.so']
/** SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY: accepted by every release (ignored from 0.2). */
const CONTEXT_FLAGS = 0x0301
/** Sizes of libsecp256k1's opaque structs (secp256k1_xonly_pubkey, secp256k1_keypair). */
const XONLY_BYTES = 64
const KEYPAIR_BYTES = 96

let native
let why = ''

/** BIP340 test vector 1 (bip-0340/test-vectors.csv): checks the library's answers before trusting it. */
const VECTOR = {
  sk: 'b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef',
  pk: 'dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659',
  aux: '0000000000000000000000000000000000000000000000000000000000000001',
  msg: '243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89',
  sig: '6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a'
}
const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'))

function load () {
  if (native !== undefined) return native
  native = null
  if (process.env.TAU_NATIVE_SECP256K1 === '0') { why = 'TAU_NATIVE_SECP256K1=0'; return native }
  let koffi
  try { koffi = createRequire(import.meta.url)('koffi') } catch (e) { why = `koffi: ${e.message}`; return native }
  let lib
  for (const name of SONAMES) {
    try { lib = koffi.load(name); break } catch { /* the next name */ }
  }
  if (lib === undefined) { why = `none of ${SONAMES.join(', ')} found (Debian: apt install libsecp256k1-1)`; return native }
  try {
    const create = lib.func('void *secp256k1_context_create(unsigned int flags)')
    const randomize = lib.func('int secp256k1_context_randomize(void *ctx, const uint8_t *seed32)')
    const parse = lib.func('int secp256k1_xonly_pubkey_parse(void *ctx, uint8_t *pubkey, const uint8_t *input32)')
    const verify = lib.func('int secp256k1_schnorrsig_verify(void *ctx, const uint8_t *sig64, const uint8_t *msg, size_t msglen, const uint8_t *pubkey)')
    const keypair = lib.func('int secp256k1_keypair_create(void *ctx, uint8_t *keypair, const uint8_t *seckey)')
    const sign = lib.func('int secp256k1_schnorrsig_sign32(void *ctx, uint8_t *sig64, const uint8_t *msg32, const uint8_t *keypair, const uint8_t *aux32)')
    const ctx = create(CONTEXT_FLAGS)
    if (ctx === null) throw new Error('secp256k1_context_create gave NULL')
    // Blinds the signing computations against timing and power side channels.
    if (randomize(ctx, randomBytes(32)) !== 1) throw new Error('secp256k1_context_randomize failed')
    const pubkey = new Uint8Array(XONLY_BYTES)
    const kp = new Uint8Array(KEYPAIR_BYTES)
    const candidate = {
      verify: (sig, msg, pk) => parse(ctx, pubkey, pk) === 1 && verify(ctx, sig, msg, msg.length, pubkey) === 1,
      sign: (msg, sk, aux) => {
        if (keypair(ctx, kp, sk) !== 1) return null // an invalid key: signing with it would abort
        const sig = new Uint8Array(64)
        const ok = sign(ctx, sig, msg, kp, aux)
        kp.fill(0)
        return ok === 1 ? sig : null
      }
    }
    const v = { sk: hex(VECTOR.sk), pk: hex(VECTOR.pk), aux: hex(VECTOR.aux), msg: hex(VECTOR.msg), sig: hex(VECTOR.sig) }
    const signed = candidate.sign(v.msg, v.sk, v.aux)
    const bad = Uint8Array.from(v.sig)
    bad[0] ^= 1
    if (signed === null || Buffer.compare(signed, v.sig) !== 0 || !candidate.verify(v.sig, v.msg, v.pk) || candidate.verify(bad, v.msg, v.pk)) {
      throw new Error('failed the BIP340 test vector')
    }
    native = candidate
  } catch (e) {
    why = `libsecp256k1: ${e.message}`
  }
  return native
}

/** Which implementation signs and verifies, and why not the native one when it is not. */
export function schnorrBackend () {
  return load() === null ? { name: 'wasm', why } : { name: 'libsecp256k1', why: '' }
}

/** BIP340 verification of a 32-byte hash. Never throws: bad lengths or points verify false. */
export function verifySchnorr (sig, hash, publicKey) {
  if (sig.length !== 64 || hash.length !== 32 || publicKey.length !== 32) return false
  const n = load()
  if (n !== null) return n.verify(sig, hash, publicKey)
  try { return ecc.verifySchnorr(hash, publicKey, sig) } catch { return false }
}

/** BIP340 signature of a 32-byte hash with fresh auxiliary randomness; null for an invalid secret key. */
export function signSchnorr (hash, secretKey) {
  if (hash.length !== 32 || secretKey.length !== 32) return null
  const aux = randomBytes(32)
  const n = load()
  if (n !== null) return n.sign(hash, secretKey, aux)
  if (!ecc.isPrivate(secretKey)) return null
  return Uint8Array.from(ecc.signSchnorr(hash, secretKey, aux))
}
