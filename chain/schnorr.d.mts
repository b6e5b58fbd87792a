// Types of chain/schnorr.mjs (plain JavaScript so the verify worker needs no TypeScript loader).

/** Which implementation signs and verifies ('libsecp256k1' through koffi, or the WASM build), and why not the native one. */
export function schnorrBackend (): { name: 'libsecp256k1' | 'wasm', why: string }
/** BIP340 verification of a 32-byte hash. Never throws: bad lengths or points verify false. */
export function verifySchnorr (sig: Uint8Array, hash: Uint8Array, publicKey: Uint8Array): boolean
/** BIP340 signature of a 32-byte hash with fresh auxiliary randomness; null for an invalid secret key. */
export function signSchnorr (hash: Uint8Array, secretKey: Uint8Array): Uint8Array | null
