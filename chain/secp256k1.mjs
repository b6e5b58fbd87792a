// Every secp256k1 operation of the node: BIP340 signing and verification (its hottest cryptography:
// every transaction and block in a sync, every mutable DHT item read or stored), key checks and
// derivation, and the ECDH point product of message encryption. Two backends, one result:
// - libsecp256k1 itself (Debian's libsecp256k1-1 ≥ 0.2, the library Bitcoin Core uses) called
//   through koffi, an FFI whose native part comes prebuilt in its npm package: verification ~4–9×
//   and signing ~5–6× faster than the WASM build here (docs/performance.md, "Signatures, native"),
//   and the WASM module (~9 MB of a node's RSS) is then never loaded.
// - tiny-secp256k1, the same C library compiled to WASM, loaded on first use wherever the shared
//   library is missing, fails its self-check below, or TAU_NATIVE_SECP256K1=0 is set.
// Plain JavaScript (types in secp256k1.d.mts) so the verify worker (node/verifyWorker.mjs) imports
// it without a TypeScript loader. The shared library is looked up on first use, not at import.
// Lengths are checked here before any pointer reaches C: libsecp256k1 reads fixed sizes, and an
// illegal argument makes it abort the process rather than return an error.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const SONAMES = ['libsecp256k1.so.2', 'libsecp256k1.so.1', 'libsecp256k1.so']
/** SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY: accepted by every release (ignored from 0.2). */
const CONTEXT_FLAGS = 0x0301
/** SECP256K1_EC_COMPRESSED. */
const EC_COMPRESSED = 0x0102
/** Sizes of libsecp256k1's opaque structs (secp256k1_pubkey, secp256k1_xonly_pubkey, secp256k1_keypair). */
const PUBKEY_BYTES = 64
const KEYPAIR_BYTES = 96

let native
let why = ''
let wasmModule

/** The WASM build, loaded on first use only (it costs ~9 MB of RSS). */
function wasm () {
  wasmModule ??= require('tiny-secp256k1')
  return wasmModule
}

/** BIP340 test vector 1 (bip-0340/test-vectors.csv): the library's answers are checked before it is trusted. */
const VECTOR = {
  sk: 'b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef',
  pk: 'dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659',
  aux: '0000000000000000000000000000000000000000000000000000000000000001',
  msg: '243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89',
  sig: '6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a'
}
const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'))
const equal = (a, b) => a !== null && Buffer.compare(a, b) === 0

/** libsecp256k1's calls, bound to one randomized context, each taking and giving plain byte arrays. */
function bind (lib) {
  const f = (sig) => lib.func(sig)
  const create = f('void *secp256k1_context_create(unsigned int flags)')
  const randomize = f('int secp256k1_context_randomize(void *ctx, const uint8_t *seed32)')
  const seckeyVerify = f('int secp256k1_ec_seckey_verify(void *ctx, const uint8_t *seckey)')
  const xParse = f('int secp256k1_xonly_pubkey_parse(void *ctx, uint8_t *pubkey, const uint8_t *input32)')
  const xSerialize = f('int secp256k1_xonly_pubkey_serialize(void *ctx, uint8_t *output32, const uint8_t *pubkey)')
  const verify = f('int secp256k1_schnorrsig_verify(void *ctx, const uint8_t *sig64, const uint8_t *msg, size_t msglen, const uint8_t *pubkey)')
  const keypair = f('int secp256k1_keypair_create(void *ctx, uint8_t *keypair, const uint8_t *seckey)')
  const keypairX = f('int secp256k1_keypair_xonly_pub(void *ctx, uint8_t *pubkey, void *parity, const uint8_t *keypair)')
  const sign = f('int secp256k1_schnorrsig_sign32(void *ctx, uint8_t *sig64, const uint8_t *msg32, const uint8_t *keypair, const uint8_t *aux32)')
  const pParse = f('int secp256k1_ec_pubkey_parse(void *ctx, uint8_t *pubkey, const uint8_t *input, size_t inputlen)')
  const tweakMul = f('int secp256k1_ec_pubkey_tweak_mul(void *ctx, uint8_t *pubkey, const uint8_t *tweak32)')
  const pSerialize = f('int secp256k1_ec_pubkey_serialize(void *ctx, uint8_t *output, _Inout_ size_t *outputlen, const uint8_t *pubkey, unsigned int flags)')
  const ctx = create(CONTEXT_FLAGS)
  if (ctx === null) throw new Error('secp256k1_context_create gave NULL')
  // Blinds the signing computations against timing and power side channels.
  if (randomize(ctx, randomBytes(32)) !== 1) throw new Error('secp256k1_context_randomize failed')
  // Scratch for the opaque structs: calls are synchronous and a thread has its own module instance.
  const pub = new Uint8Array(PUBKEY_BYTES)
  const kp = new Uint8Array(KEYPAIR_BYTES)
  /** Runs `fn` with `sk`'s keypair in `kp`, wiped after; null when `sk` is not a valid secret key. */
  const withKeypair = (sk, fn) => {
    if (keypair(ctx, kp, sk) !== 1) return null // invalid: using the keypair would abort
    try { return fn() } finally { kp.fill(0) }
  }
  return {
    verify: (sig, msg, pk) => xParse(ctx, pub, pk) === 1 && verify(ctx, sig, msg, msg.length, pub) === 1,
    sign: (msg, sk, aux) => withKeypair(sk, () => {
      const sig = new Uint8Array(64)
      return sign(ctx, sig, msg, kp, aux) === 1 ? sig : null
    }),
    isPrivate: (sk) => seckeyVerify(ctx, sk) === 1,
    xOnly: (sk) => withKeypair(sk, () => {
      const out = new Uint8Array(32)
      return keypairX(ctx, pub, null, kp) === 1 && xSerialize(ctx, out, pub) === 1 ? out : null
    }),
    isXOnly: (pk) => xParse(ctx, pub, pk) === 1,
    multiply: (point33, scalar) => {
      if (pParse(ctx, pub, point33, 33) !== 1 || tweakMul(ctx, pub, scalar) !== 1) return null
      const out = new Uint8Array(33)
      const len = [33]
      return pSerialize(ctx, out, len, pub, EC_COMPRESSED) === 1 && len[0] === 33 ? out : null
    }
  }
}

function load () {
  if (native !== undefined) return native
  native = null
  if (process.env.TAU_NATIVE_SECP256K1 === '0') { why = 'TAU_NATIVE_SECP256K1=0'; return native }
  let koffi
  try { koffi = require('koffi') } catch (e) { why = `koffi: ${e.message}`; return native }
  let lib
  for (const name of SONAMES) {
    try { lib = koffi.load(name); break } catch { /* the next name */ }
  }
  if (lib === undefined) { why = `none of ${SONAMES.join(', ')} found (Debian: apt install libsecp256k1-1)`; return native }
  try {
    const c = bind(lib)
    const v = { sk: hex(VECTOR.sk), pk: hex(VECTOR.pk), aux: hex(VECTOR.aux), msg: hex(VECTOR.msg), sig: hex(VECTOR.sig) }
    const bad = Uint8Array.from(v.sig)
    bad[0] ^= 1
    // 2·G: the compressed encoding of the generator doubled (a known point), for the point product.
    const g = hex('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798')
    const two = new Uint8Array(32)
    two[31] = 2
    if (!equal(c.sign(v.msg, v.sk, v.aux), v.sig) || !c.verify(v.sig, v.msg, v.pk) || c.verify(bad, v.msg, v.pk) ||
      !equal(c.xOnly(v.sk), v.pk) || !c.isXOnly(v.pk) || c.isPrivate(new Uint8Array(32)) ||
      !equal(c.multiply(g, two), hex('02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5'))) {
      throw new Error('failed its self-check (BIP340 test vector, 2·G)')
    }
    native = c
  } catch (e) {
    why = `libsecp256k1: ${e.message}`
  }
  return native
}

/** Which implementation runs ('libsecp256k1' or the WASM build), and why not the native one when it is not. */
export function secp256k1Backend () {
  return load() === null ? { name: 'wasm', why } : { name: 'libsecp256k1', why: '' }
}

/** BIP340 verification of a 32-byte hash. Never throws: bad lengths or points verify false. */
export function verifySchnorr (sig, hash, publicKey) {
  if (sig.length !== 64 || hash.length !== 32 || publicKey.length !== 32) return false
  const n = load()
  if (n !== null) return n.verify(sig, hash, publicKey)
  try { return wasm().verifySchnorr(hash, publicKey, sig) } catch { return false }
}

/** BIP340 signature of a 32-byte hash with fresh auxiliary randomness; null for an invalid secret key. */
export function signSchnorr (hash, secretKey) {
  if (hash.length !== 32 || secretKey.length !== 32) return null
  const aux = randomBytes(32)
  const n = load()
  if (n !== null) return n.sign(hash, secretKey, aux) // the keypair step refuses an invalid key
  if (!wasm().isPrivate(secretKey)) return null
  return Uint8Array.from(wasm().signSchnorr(hash, secretKey, aux))
}

/** True when `secretKey` is 32 bytes in [1, n−1]. */
export function isPrivateKey (secretKey) {
  if (secretKey.length !== 32) return false
  const n = load()
  return n !== null ? n.isPrivate(secretKey) : wasm().isPrivate(secretKey)
}

/** The BIP340 (x-only) public key of a secret key; null for an invalid one. */
export function xOnlyPublicKey (secretKey) {
  if (secretKey.length !== 32) return null
  const n = load()
  if (n !== null) return n.xOnly(secretKey) // the keypair step refuses an invalid key
  if (!wasm().isPrivate(secretKey)) return null
  const pk = wasm().xOnlyPointFromScalar(secretKey)
  return pk === null ? null : Uint8Array.from(pk)
}

/** True when `publicKey` is a valid x-only point (a key that can ever verify). */
export function isXOnlyPoint (publicKey) {
  if (publicKey.length !== 32) return false
  const n = load()
  if (n !== null) return n.isXOnly(publicKey)
  try { return wasm().isXOnlyPoint(publicKey) } catch { return false }
}

/**
 * `scalar` × the point with even y whose x is `xOnly`, compressed (33 bytes); null when either is
 * invalid or the product is infinity. Message encryption's ECDH (chain/messageCrypto.ts).
 */
export function multiplyLifted (xOnly, scalar) {
  if (xOnly.length !== 32 || scalar.length !== 32) return null
  const lifted = new Uint8Array(33)
  lifted[0] = 2
  lifted.set(xOnly, 1)
  const n = load()
  if (n !== null) return n.multiply(lifted, scalar)
  try {
    const p = wasm().pointMultiply(lifted, scalar, true)
    return p === null ? null : Uint8Array.from(p)
  } catch { return null }
}
