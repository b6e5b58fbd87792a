import { expect } from 'chai'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import * as secp from '@noble/secp256k1'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { hmac } from '@noble/hashes/hmac.js'
import {
  generateKeyPair, keyPairFromSeed, publicKeyOf, readKeyFile, sha256, signHash, verifyHash, writeKeyFile
} from '../../../chain/crypto.js'
import { ChainError } from '../../../chain/errors.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

secp.hashes.sha256 = nobleSha256
secp.hashes.hmacSha256 = (k, m) => hmac(nobleSha256, k, m)

describe('chain/crypto', () => {
  it('sha256 matches a known vector', () => {
    expect(Buffer.from(sha256(new TextEncoder().encode('abc'))).toString('hex'))
      .to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('cross-checks tiny-secp256k1 against @noble/secp256k1 both ways', () => {
    for (let i = 0; i < 20; i++) {
      const kp = generateKeyPair()
      expect(Buffer.from(secp.schnorr.getPublicKey(kp.secretKey)).toString('hex')).to.equal(Buffer.from(kp.publicKey).toString('hex'))
      const h = sha256(new Uint8Array([i]))
      const ours = signHash(h, kp.secretKey)
      expect(secp.schnorr.verify(ours, h, kp.publicKey)).to.equal(true)
      const theirs = secp.schnorr.sign(h, kp.secretKey)
      expect(verifyHash(theirs, h, kp.publicKey)).to.equal(true)
      const wrong = sha256(new Uint8Array([i, 1]))
      expect(verifyHash(theirs, wrong, kp.publicKey)).to.equal(false)
      expect(secp.schnorr.verify(ours, wrong, kp.publicKey)).to.equal(false)
    }
  })

  it('verifyHash never throws on garbage', () => {
    const h = sha256(new Uint8Array([1]))
    expect(verifyHash(new Uint8Array(64), h, new Uint8Array(32))).to.equal(false)
    expect(verifyHash(new Uint8Array(63), h, new Uint8Array(32).fill(1))).to.equal(false)
    expect(verifyHash(new Uint8Array(64).fill(255), h, new Uint8Array(32).fill(255))).to.equal(false)
  })

  it('derives dev keys deterministically from seeds', () => {
    expect(Buffer.from(keyPairFromSeed('x').publicKey).toString('hex')).to.equal(Buffer.from(keyPairFromSeed('x').publicKey).toString('hex'))
    expect(() => publicKeyOf(new Uint8Array(32))).to.throw(ChainError)
  })

  it('writes key files 0600, refuses to overwrite, reads them back', () => {
    const dir = makeTmpDir()
    try {
      const path = join(dir, 'key.json')
      const kp = generateKeyPair()
      writeKeyFile(path, kp)
      expect(statSync(path).mode & 0o777).to.equal(0o600)
      expect(Buffer.from(readKeyFile(path).publicKey).toString('hex')).to.equal(Buffer.from(kp.publicKey).toString('hex'))
      expect(() => writeKeyFile(path, kp)).to.throw(ChainError).with.property('code', 'KEYFILE_EXISTS')
      expect(() => readKeyFile(join(dir, 'missing.json'))).to.throw(ChainError).with.property('code', 'KEYFILE_UNREADABLE')
    } finally {
      removeDir(dir)
    }
  })
})
