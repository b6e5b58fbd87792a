// Foundations: BIP340 sign/verify (tiny-secp256k1 hot path, noble as reference) and sha256.
import * as secp from '@noble/secp256k1'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { hmac } from '@noble/hashes/hmac.js'
import * as ecc from 'tiny-secp256k1'
import { generateKeyPair, sha256, signHash, verifyHash } from '../../chain/crypto.js'
import { type BenchRow, opsPerSecond, row } from './harness.js'

secp.hashes.sha256 = nobleSha256
secp.hashes.hmacSha256 = (k, m) => hmac(nobleSha256, k, m)

export async function run (): Promise<BenchRow[]> {
  const keys = Array.from({ length: 64 }, () => generateKeyPair())
  const hashes = keys.map((_, i) => sha256(new Uint8Array([i, i >> 8])))
  const sigs = keys.map((k, i) => signHash(hashes[i], k.secretKey))
  const n = keys.length
  const verify = opsPerSecond(i => { if (!verifyHash(sigs[i % n], hashes[i % n], keys[i % n].publicKey)) throw new Error('bad') })
  // The same-run bound: libsecp256k1 (WASM) called directly, without our wrapper's checks.
  const rawVerify = opsPerSecond(i => { ecc.verifySchnorr(hashes[i % n], keys[i % n].publicKey, sigs[i % n]) })
  const nobleVerify = opsPerSecond(i => { secp.schnorr.verify(sigs[i % n], hashes[i % n], keys[i % n].publicKey) }, { msPerRep: 400 })
  const kb = new Uint8Array(1024)
  return [
    row('crypto.sign (tiny-secp256k1)', opsPerSecond(i => signHash(hashes[i % n], keys[i % n].secretKey)), 'ops/s'),
    row('crypto.verify (tiny-secp256k1)', verify, 'ops/s', { bound: 5000, boundLabel: 'goal' }),
    row('crypto.verify vs raw libsecp256k1', verify, 'ops/s', { bound: rawVerify.sort((a, b) => a - b)[1], boundLabel: 'raw, same run' }),
    row('crypto.verify (@noble/secp256k1, reference)', nobleVerify, 'ops/s'),
    row('crypto.sha256 1 KiB', opsPerSecond(() => sha256(kb)), 'ops/s')
  ]
}
