// Foundations: BIP340 sign/verify (chain/secp256k1.mjs: the system's libsecp256k1 where installed, else
// its WASM build; the WASM build and noble measured beside it as anchors) and sha256.
import * as secp from '@noble/secp256k1'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { hmac } from '@noble/hashes/hmac.js'
import * as ecc from 'tiny-secp256k1'
import { randomBytes } from 'node:crypto'
import { generateKeyPair, sha256, signHash, verifyHash } from '../../chain/crypto.js'
import { secp256k1Backend } from '../../chain/secp256k1.mjs'
import { type BenchRow, opsPerSecond, row } from './harness.js'

secp.hashes.sha256 = nobleSha256
secp.hashes.hmacSha256 = (k, m) => hmac(nobleSha256, k, m)

export async function run (): Promise<BenchRow[]> {
  const keys = Array.from({ length: 64 }, () => generateKeyPair())
  const hashes = keys.map((_, i) => sha256(new Uint8Array([i, i >> 8])))
  const sigs = keys.map((k, i) => signHash(hashes[i], k.secretKey))
  const n = keys.length
  const verify = opsPerSecond(i => { if (!verifyHash(sigs[i % n], hashes[i % n], keys[i % n].publicKey)) throw new Error('bad') })
  // The same-run anchor: libsecp256k1's WASM build (tiny-secp256k1) called directly, without our
  // wrapper's checks: the node's only path before the native one, and still its fallback.
  const wasmVerify = opsPerSecond(i => { ecc.verifySchnorr(hashes[i % n], keys[i % n].publicKey, sigs[i % n]) })
  const wasmSign = opsPerSecond(i => { ecc.signSchnorr(hashes[i % n], keys[i % n].secretKey, randomBytes(32)) })
  const nobleVerify = opsPerSecond(i => { secp.schnorr.verify(sigs[i % n], hashes[i % n], keys[i % n].publicKey) }, { msPerRep: 400 })
  const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const kb = new Uint8Array(1024)
  const backend = secp256k1Backend().name
  return [
    row(`crypto.sign (${backend}) vs WASM`, opsPerSecond(i => signHash(hashes[i % n], keys[i % n].secretKey)), 'ops/s', { bound: median(wasmSign), boundLabel: 'WASM, same run' }),
    row(`crypto.verify (${backend})`, verify, 'ops/s', { bound: 5000, boundLabel: 'goal' }),
    row(`crypto.verify (${backend}) vs WASM`, verify, 'ops/s', { bound: median(wasmVerify), boundLabel: 'WASM, same run' }),
    row('crypto.verify (@noble/secp256k1, reference)', nobleVerify, 'ops/s'),
    row('crypto.sha256 1 KiB', opsPerSecond(() => sha256(kb)), 'ops/s')
  ]
}
