// Keys, BIP340 Schnorr signatures and SHA-256.
// Every secp256k1 operation goes through chain/secp256k1.mjs: libsecp256k1 itself where the system
// has it, else tiny-secp256k1 (the same library compiled to WASM). @noble/secp256k1 is kept as an
// independent implementation that tests cross-check against.
import { createHash, hash, randomBytes } from 'node:crypto'
import { chmodSync, statSync, writeFileSync } from 'node:fs'
import { ChainError } from './errors.js'
import { readJsonFile } from './jsonFile.js'
import { isPrivateKey, isXOnlyPoint, signSchnorr, verifySchnorr, xOnlyPublicKey } from './secp256k1.mjs'
import { HASH_BYTES, KEY_BYTES, SIG_BYTES } from './constants.js'
import { fromHex, toHex } from './hex.js'

export function sha256 (...parts: Uint8Array[]): Uint8Array {
  // One part (nearly every call: ids, targets): the one-shot hash, ~1 µs less than a Hash object.
  // Copied into a Uint8Array of its own, as the Hash path below returns.
  if (parts.length === 1) return new Uint8Array(hash('sha256', parts[0], 'buffer'))
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

export interface KeyPair {
  secretKey: Uint8Array
  publicKey: Uint8Array
}

export function publicKeyOf (secretKey: Uint8Array): Uint8Array {
  const pk = xOnlyPublicKey(secretKey)
  if (pk === null) throw new ChainError('KEY_BAD_SECRET', 'secret key must be 32 bytes in [1, n-1]')
  return pk
}

export function generateKeyPair (): KeyPair {
  // A random 32-byte string is a valid scalar with overwhelming probability; loop is bounded anyway.
  for (let i = 0; i < 16; i++) {
    const sk = new Uint8Array(randomBytes(32))
    if (isPrivateKey(sk)) return { secretKey: sk, publicKey: publicKeyOf(sk) }
  }
  throw new ChainError('KEY_GENERATION_FAILED', 'no valid secret key in 16 tries')
}

/** Deterministic key from a seed string: for dev/test networks only, never for real funds. */
export function keyPairFromSeed (seed: string): KeyPair {
  const sk = sha256(new TextEncoder().encode(seed))
  return { secretKey: sk, publicKey: publicKeyOf(sk) }
}

/** BIP340 signature of a 32-byte hash, with fresh auxiliary randomness. */
export function signHash (hash: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (hash.length !== HASH_BYTES) throw new ChainError('SIG_BAD_HASH', 'can only sign a 32-byte hash')
  const sig = signSchnorr(hash, secretKey)
  if (sig === null) throw new ChainError('KEY_BAD_SECRET', 'secret key must be 32 bytes in [1, n-1]')
  return sig
}

/** BIP340 verification of a 32-byte hash. Never throws: bad lengths or points verify false. */
export function verifyHash (sig: Uint8Array, hash: Uint8Array, publicKey: Uint8Array): boolean {
  if (sig.length !== SIG_BYTES || hash.length !== HASH_BYTES || publicKey.length !== KEY_BYTES) return false
  return verifySchnorr(sig, hash, publicKey)
}

/** True when `publicKey` is a valid x-only secp256k1 point (a key that can ever verify). */
export function isValidPublicKey (publicKey: Uint8Array): boolean {
  return publicKey.length === KEY_BYTES && isXOnlyPoint(publicKey)
}

// ---- key files -------------------------------------------------------------------------------

export interface KeyFile {
  version: 1
  publicKey: string
  secretKey: string
}

/** Writes a new key file with mode 0600. Refuses to overwrite an existing file. */
export function writeKeyFile (path: string, kp: KeyPair): void {
  const body: KeyFile = { version: 1, publicKey: toHex(kp.publicKey), secretKey: toHex(kp.secretKey) }
  writeSecretJsonFile(path, body)
}

/** Writes a key file body (plain or encrypted) with mode 0600; never overwrites. */
export function writeSecretJsonFile (path: string, body: object): void {
  try {
    writeFileSync(path, JSON.stringify(body, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ChainError('KEYFILE_EXISTS', `key file ${path} already exists; refusing to overwrite it`)
    }
    throw new ChainError('KEYFILE_WRITE_FAILED', `cannot write key file ${path}: ${(e as Error).message}`)
  }
  chmodSync(path, 0o600) // the umask may have widened nothing, but make the mode explicit
}

export function readKeyFile (path: string): KeyPair {
  const json = readJsonFile(path, 'key file', 'KEYFILE')
  const o = json as Partial<KeyFile>
  if (typeof o !== 'object' || o === null || typeof o.secretKey !== 'string') {
    throw new ChainError('KEYFILE_BAD_FORMAT', `key file ${path} needs a "secretKey" hex string`)
  }
  const sk = fromHex(o.secretKey, 32, 'secretKey')
  const pk = publicKeyOf(sk)
  if (o.publicKey !== undefined && o.publicKey !== toHex(pk)) {
    throw new ChainError('KEYFILE_KEY_MISMATCH', `key file ${path}: publicKey does not match secretKey`)
  }
  return { secretKey: sk, publicKey: pk }
}

/** True when a key file can be read by group or others (the CLI warns about it). */
export function keyFileTooOpen (path: string): boolean {
  return (statSync(path).mode & 0o077) !== 0
}
