// Limits of encrypted key files (chain/keystore.ts), each with its unit in the name.

/** scrypt cost of new files: N = 2^17 (128 MiB with r = 8; about 1 s per unlock measured on a loaded 2-core machine), r, p. */
export const KEYSTORE_SCRYPT_LOG2_N = 17
export const KEYSTORE_SCRYPT_R = 8
export const KEYSTORE_SCRYPT_P = 1
/** Range of N accepted when reading (bounds a crafted file's memory and time: 128 B · 2^20 · 8 = 1 GiB at most). */
export const KEYSTORE_MIN_LOG2_N = 10
export const KEYSTORE_MAX_LOG2_N = 20
export const KEYSTORE_MAX_R = 8
export const KEYSTORE_MAX_P = 4
export const KEYSTORE_SALT_BYTES = 32
/** AES-256-GCM nonce and tag sizes (NIST SP 800-38D: 96-bit nonce, 128-bit tag). */
export const KEYSTORE_GCM_IV_BYTES = 12
export const KEYSTORE_GCM_TAG_BYTES = 16
/** Passphrases of new key files: at least this many characters; any passphrase at most the max. */
export const PASSPHRASE_MIN_CHARS = 8
export const PASSPHRASE_MAX_CHARS = 1024
