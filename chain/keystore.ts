// Encrypted key files (version 2): the secret key sealed with AES-256-GCM under a key derived from
// a passphrase by scrypt, in the spirit of geth's keystore v3: every KDF parameter is in the file, so
// a later release can raise the cost without breaking old files. The public key stays in clear (read
// without a passphrase, e.g. for `wallet balance`) and is bound to the ciphertext as GCM's associated
// data, so swapping it in the file makes decryption fail instead of pairing a secret with a wrong key.
// scrypt and AES come from node:crypto (OpenSSL, no dependency): native scrypt is several times
// faster than a JavaScript one, so the same unlock time buys a higher cost.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import { ChainError } from './errors.js'
import { type KeyPair, publicKeyOf } from './crypto.js'
import { bytesEqual, fromHex, toHex } from './hex.js'
import {
  KEYSTORE_GCM_IV_BYTES, KEYSTORE_GCM_TAG_BYTES, KEYSTORE_MAX_LOG2_N, KEYSTORE_MAX_P, KEYSTORE_MAX_R, KEYSTORE_MIN_LOG2_N,
  KEYSTORE_SALT_BYTES, KEYSTORE_SCRYPT_LOG2_N, KEYSTORE_SCRYPT_P, KEYSTORE_SCRYPT_R
} from './keystoreConstants.js'

export const ENCRYPTED_KEY_FILE_VERSION = 2

export interface ScryptParams { n: number, r: number, p: number, dklen: 32, salt: string }

export interface EncryptedKeyFile {
  version: 2
  publicKey: string
  crypto: {
    cipher: 'aes-256-gcm'
    ciphertext: string
    iv: string
    tag: string
    kdf: 'scrypt'
    kdfparams: ScryptParams
  }
}

/** scrypt's memory need is 128·N·r bytes; OpenSSL refuses above maxmem, so allow that plus slack. */
const maxmemFor = (n: number, r: number): number => 128 * n * r * 2

function deriveKey (passphrase: string, p: ScryptParams): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), Buffer.from(p.salt, 'hex'), 32, { N: p.n, r: p.r, p: p.p, maxmem: maxmemFor(p.n, p.r) })
}

/** Seals `kp.secretKey` under `passphrase`. `log2n` lowers the cost for tests only. */
export function encryptKeyPair (kp: KeyPair, passphrase: string, log2n = KEYSTORE_SCRYPT_LOG2_N): EncryptedKeyFile {
  const params: ScryptParams = { n: 2 ** log2n, r: KEYSTORE_SCRYPT_R, p: KEYSTORE_SCRYPT_P, dklen: 32, salt: toHex(randomBytes(KEYSTORE_SALT_BYTES)) }
  const key = deriveKey(passphrase, params)
  const iv = randomBytes(KEYSTORE_GCM_IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: KEYSTORE_GCM_TAG_BYTES })
  cipher.setAAD(kp.publicKey)
  const ciphertext = Buffer.concat([cipher.update(kp.secretKey), cipher.final()])
  return {
    version: ENCRYPTED_KEY_FILE_VERSION,
    publicKey: toHex(kp.publicKey),
    crypto: { cipher: 'aes-256-gcm', ciphertext: toHex(ciphertext), iv: toHex(iv), tag: toHex(cipher.getAuthTag()), kdf: 'scrypt', kdfparams: params }
  }
}

export function isEncryptedKeyFile (json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { version?: unknown }).version === ENCRYPTED_KEY_FILE_VERSION
}

function badFormat (path: string, what: string): ChainError {
  return new ChainError('KEYFILE_BAD_FORMAT', `encrypted key file ${path}: ${what}`)
}

/** Checks the file's shape and bounds the KDF cost, so a crafted file cannot make us allocate gigabytes. */
export function parseEncryptedKeyFile (json: unknown, path: string): EncryptedKeyFile {
  const o = json as Partial<EncryptedKeyFile>
  if (!isEncryptedKeyFile(json)) throw badFormat(path, `version must be ${ENCRYPTED_KEY_FILE_VERSION}`)
  if (typeof o.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(o.publicKey)) throw badFormat(path, 'publicKey must be 64 lowercase hex characters')
  const c = o.crypto
  if (typeof c !== 'object' || c === null || c.cipher !== 'aes-256-gcm' || c.kdf !== 'scrypt') throw badFormat(path, 'crypto must name cipher "aes-256-gcm" and kdf "scrypt"')
  const hexOf = (v: unknown, bytes: number, name: string): void => {
    if (typeof v !== 'string' || v.length !== 2 * bytes || !/^[0-9a-f]+$/.test(v)) throw badFormat(path, `crypto.${name} must be ${bytes} bytes of lowercase hex`)
  }
  hexOf(c.ciphertext, 32, 'ciphertext')
  hexOf(c.iv, KEYSTORE_GCM_IV_BYTES, 'iv')
  hexOf(c.tag, KEYSTORE_GCM_TAG_BYTES, 'tag')
  const p = c.kdfparams as Partial<ScryptParams> | undefined
  if (typeof p !== 'object' || p === null) throw badFormat(path, 'crypto.kdfparams is missing')
  hexOf(p.salt, KEYSTORE_SALT_BYTES, 'kdfparams.salt')
  const log2n = typeof p.n === 'number' ? Math.log2(p.n) : NaN
  if (!Number.isInteger(log2n) || log2n < KEYSTORE_MIN_LOG2_N || log2n > KEYSTORE_MAX_LOG2_N) {
    throw badFormat(path, `kdfparams.n must be a power of two from 2^${KEYSTORE_MIN_LOG2_N} to 2^${KEYSTORE_MAX_LOG2_N}`)
  }
  if (!Number.isInteger(p.r) || (p.r as number) < 1 || (p.r as number) > KEYSTORE_MAX_R) throw badFormat(path, `kdfparams.r must be 1–${KEYSTORE_MAX_R}`)
  if (!Number.isInteger(p.p) || (p.p as number) < 1 || (p.p as number) > KEYSTORE_MAX_P) throw badFormat(path, `kdfparams.p must be 1–${KEYSTORE_MAX_P}`)
  if (p.dklen !== 32) throw badFormat(path, 'kdfparams.dklen must be 32')
  return o as EncryptedKeyFile
}

/** Opens a parsed file; a wrong passphrase (or any tampering) is KEYFILE_BAD_PASSPHRASE. */
export function decryptKeyFile (file: EncryptedKeyFile, passphrase: string, path: string): KeyPair {
  const publicKey = fromHex(file.publicKey, 32, 'publicKey')
  const key = deriveKey(passphrase, file.crypto.kdfparams)
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.crypto.iv, 'hex'), { authTagLength: KEYSTORE_GCM_TAG_BYTES })
  decipher.setAAD(publicKey)
  decipher.setAuthTag(Buffer.from(file.crypto.tag, 'hex'))
  let secretKey: Uint8Array
  try {
    secretKey = new Uint8Array(Buffer.concat([decipher.update(Buffer.from(file.crypto.ciphertext, 'hex')), decipher.final()]))
  } catch {
    throw new ChainError('KEYFILE_BAD_PASSPHRASE', `wrong passphrase for key file ${path} (or the file was altered)`)
  }
  if (!bytesEqual(publicKeyOf(secretKey), publicKey)) throw new ChainError('KEYFILE_KEY_MISMATCH', `key file ${path}: publicKey does not match the secret key`)
  return { secretKey, publicKey }
}
