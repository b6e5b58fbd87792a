// Types of chain/secp256k1.mjs (plain JavaScript so the verify worker needs no TypeScript loader).

/** Which implementation runs ('libsecp256k1' through koffi, or the WASM build), and why not the native one. */
export function secp256k1Backend (): { name: 'libsecp256k1' | 'wasm', why: string }
/** BIP340 verification of a 32-byte hash. Never throws: bad lengths or points verify false. */
export function verifySchnorr (sig: Uint8Array, hash: Uint8Array, publicKey: Uint8Array): boolean
/** BIP340 signature of a 32-byte hash with fresh auxiliary randomness; null for an invalid secret key. */
export function signSchnorr (hash: Uint8Array, secretKey: Uint8Array): Uint8Array | null
/** True when `secretKey` is 32 bytes in [1, n−1]. */
export function isPrivateKey (secretKey: Uint8Array): boolean
/** The BIP340 (x-only) public key of a secret key; null for an invalid one. */
export function xOnlyPublicKey (secretKey: Uint8Array): Uint8Array | null
/** True when `publicKey` is a valid x-only point (a key that can ever verify). */
export function isXOnlyPoint (publicKey: Uint8Array): boolean
/** `scalar` × the point with even y whose x is `xOnly`, compressed (33 bytes); null when either is invalid or the product is infinity. */
export function multiplyLifted (xOnly: Uint8Array, scalar: Uint8Array): Uint8Array | null
