// secp256k1 through chain/secp256k1.mjs: the system's libsecp256k1 where it is installed (.ci/run
// installs libsecp256k1-1), the WASM build otherwise. Both must give the same answer on every input,
// valid or hostile (BIP340 signatures, keys, the ECDH point product), and bad input must never reach
// C in a form that makes it abort the process.
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import * as secp from '@noble/secp256k1'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { hmac } from '@noble/hashes/hmac.js'
import * as ecc from 'tiny-secp256k1'
import { generateKeyPair, sha256, signHash, verifyHash } from '../../../chain/crypto.js'
import { ChainError } from '../../../chain/errors.js'
import { installedLibrary } from '../../../scripts/testnet/allocator.js'
import { isPrivateKey, isXOnlyPoint, multiplyLifted, secp256k1Backend, signSchnorr, verifySchnorr, xOnlyPublicKey } from '../../../chain/secp256k1.mjs'

secp.hashes.sha256 = nobleSha256
secp.hashes.hmacSha256 = (k, m) => hmac(nobleSha256, k, m)

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
/** The secp256k1 group order n and field prime p, big-endian. */
const N = hex('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141')
const P = hex('fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f')
const wasmVerify = (sig: Uint8Array, h: Uint8Array, pk: Uint8Array): boolean => { try { return ecc.verifySchnorr(h, pk, sig) } catch { return false } }
const nobleVerify = (sig: Uint8Array, h: Uint8Array, pk: Uint8Array): boolean => { try { return secp.schnorr.verify(sig, h, pk) } catch { return false } }

describe('chain/secp256k1: libsecp256k1 or its WASM build', () => {
  it('uses the system libsecp256k1 where it is installed', function () {
    if (installedLibrary('libsecp256k1.so.1') === undefined) {
      console.log('      skipped: libsecp256k1.so.1 missing (Debian: apt install libsecp256k1-1)')
      this.skip()
    }
    expect(secp256k1Backend()).to.deep.equal({ name: 'libsecp256k1', why: '' })
  })

  it('agrees with the WASM build and @noble/secp256k1 on valid, tampered and malformed signatures', () => {
    const cases: Array<{ sig: Uint8Array, h: Uint8Array, pk: Uint8Array }> = []
    for (let i = 0; i < 16; i++) {
      const kp = generateKeyPair()
      const h = sha256(new Uint8Array([i]))
      const sig = signHash(h, kp.secretKey)
      cases.push({ sig, h, pk: kp.publicKey })
      for (const at of [0, 31, 32, 63]) { // r and s, each end
        const bad = Uint8Array.from(sig)
        bad[at] ^= 1 << (i % 8)
        cases.push({ sig: bad, h, pk: kp.publicKey })
      }
      cases.push({ sig, h: sha256(h), pk: kp.publicKey })
      cases.push({ sig, h, pk: generateKeyPair().publicKey })
      cases.push({ sig: Uint8Array.from([...sig.subarray(0, 32), ...N]), h, pk: kp.publicKey }) // s = n
      cases.push({ sig: Uint8Array.from([...P, ...sig.subarray(32)]), h, pk: kp.publicKey }) // r = p
      cases.push({ sig, h, pk: P }) // a key that is no field element
    }
    cases.push({ sig: new Uint8Array(64), h: new Uint8Array(32), pk: new Uint8Array(32) })
    cases.push({ sig: new Uint8Array(64).fill(255), h: new Uint8Array(32).fill(255), pk: new Uint8Array(32).fill(255) })
    let valid = 0
    for (const { sig, h, pk } of cases) {
      const ours = verifySchnorr(sig, h, pk)
      expect(ours, Buffer.from(sig).toString('hex')).to.equal(wasmVerify(sig, h, pk))
      expect(ours).to.equal(nobleVerify(sig, h, pk))
      expect(verifyHash(sig, h, pk)).to.equal(ours)
      if (ours) valid++
    }
    expect(valid).to.equal(16) // the untouched ones, and only those
  })

  it('verifies views into larger buffers (the verify worker passes subarrays) and refuses wrong lengths', () => {
    const kp = generateKeyPair()
    const h = sha256(new Uint8Array([7]))
    const sig = signHash(h, kp.secretKey)
    const buf = new Uint8Array(200)
    buf.set(sig, 5)
    buf.set(h, 80)
    buf.set(kp.publicKey, 130)
    expect(verifySchnorr(buf.subarray(5, 69), buf.subarray(80, 112), buf.subarray(130, 162))).to.equal(true)
    expect(verifySchnorr(buf.subarray(5, 68), buf.subarray(80, 112), buf.subarray(130, 162))).to.equal(false)
    expect(verifySchnorr(sig, h.subarray(1), kp.publicKey)).to.equal(false)
    expect(verifySchnorr(sig, new Uint8Array(64), kp.publicKey)).to.equal(false)
    expect(verifySchnorr(sig, h, new Uint8Array(33))).to.equal(false)
    expect(verifySchnorr(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0))).to.equal(false)
  })

  it('signs what the others verify, with fresh randomness each time, and refuses invalid secret keys', () => {
    const kp = generateKeyPair()
    const h = sha256(new Uint8Array([9]))
    const a = signSchnorr(h, kp.secretKey)
    const b = signSchnorr(h, kp.secretKey)
    expect(a).to.not.equal(null)
    expect(Buffer.from(a ?? []).equals(Buffer.from(b ?? []))).to.equal(false)
    expect(nobleVerify(a ?? new Uint8Array(64), h, kp.publicKey)).to.equal(true)
    expect(wasmVerify(b ?? new Uint8Array(64), h, kp.publicKey)).to.equal(true)
    for (const sk of [new Uint8Array(32), N, new Uint8Array(32).fill(255), new Uint8Array(31).fill(1)]) {
      expect(signSchnorr(h, sk)).to.equal(null)
      expect(() => signHash(h, sk)).to.throw(ChainError).with.property('code', 'KEY_BAD_SECRET')
    }
    expect(signSchnorr(new Uint8Array(31), kp.secretKey)).to.equal(null)
  })

  it('derives keys, checks points and multiplies as the WASM build and @noble/secp256k1 do', () => {
    for (let i = 0; i < 32; i++) {
      const sk = generateKeyPair().secretKey
      const pk = xOnlyPublicKey(sk)
      expect(Buffer.from(pk ?? []).toString('hex')).to.equal(Buffer.from(ecc.xOnlyPointFromScalar(sk)).toString('hex'))
      expect(Buffer.from(pk ?? []).toString('hex')).to.equal(Buffer.from(secp.schnorr.getPublicKey(sk)).toString('hex'))
      const other = generateKeyPair().publicKey
      const ours = multiplyLifted(other, sk)
      const theirs = ecc.pointMultiply(Uint8Array.from([2, ...other]), sk, true)
      expect(Buffer.from(ours ?? []).toString('hex')).to.equal(Buffer.from(theirs ?? []).toString('hex'))
      const x = sha256(new Uint8Array([i, 1])) // about half of all x have a point
      expect(isXOnlyPoint(x)).to.equal(ecc.isXOnlyPoint(x))
    }
    for (const bad of [new Uint8Array(32), N, new Uint8Array(32).fill(255), new Uint8Array(33).fill(1)]) {
      expect(isPrivateKey(bad)).to.equal(false)
      expect(xOnlyPublicKey(bad)).to.equal(null)
    }
    const pk = generateKeyPair().publicKey
    expect(multiplyLifted(pk, new Uint8Array(32))).to.equal(null) // a zero scalar
    expect(multiplyLifted(pk, N)).to.equal(null)
    expect(multiplyLifted(P, generateKeyPair().secretKey)).to.equal(null) // no such point
    expect(multiplyLifted(pk.subarray(1), generateKeyPair().secretKey)).to.equal(null)
    expect(isXOnlyPoint(P)).to.equal(false)
    expect(isXOnlyPoint(new Uint8Array(31))).to.equal(false)
  })

  it('never loads the WASM build when libsecp256k1 runs (it costs ~9 MB of RSS)', function () {
    if (secp256k1Backend().name !== 'libsecp256k1') {
      console.log(`      skipped: the WASM build runs here (${secp256k1Backend().why})`)
      this.skip()
    }
    // Every way to make a WASM module is watched before the node's crypto is imported (tsx makes
    // its own: only those made from tiny-secp256k1's code count).
    const script = `
      let made = 0
      const mine = () => { if (new Error().stack.includes('tiny-secp256k1')) made++ }
      for (const f of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
        const orig = WebAssembly[f]
        WebAssembly[f] = (...a) => { mine(); return orig.apply(WebAssembly, a) }
      }
      const M = WebAssembly.Module
      WebAssembly.Module = function (...a) { mine(); return new M(...a) }
      const { generateKeyPair, sha256, signHash, verifyHash, isValidPublicKey } = await import('./chain/crypto.ts')
      const { encryptBody, decryptBody } = await import('./chain/messageCrypto.ts')
      const a = generateKeyPair(), b = generateKeyPair(), h = sha256(new Uint8Array([1]))
      const ok = verifyHash(signHash(h, a.secretKey), h, a.publicKey) && isValidPublicKey(b.publicKey)
      const aad = { chainId: new Uint8Array(32), from: a.publicKey, to: b.publicKey }
      const back = decryptBody(encryptBody(new Uint8Array([5]), a.secretKey, aad), b.secretKey, aad)
      process.stdout.write(JSON.stringify({ ok, back: [...back], loaded: made }))`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.deep.equal({ ok: true, back: [5], loaded: 0 })
  })

  it('with TAU_NATIVE_SECP256K1=0 the WASM build signs and verifies, says why, and agrees with the default', () => {
    const kp = generateKeyPair()
    const h = sha256(new Uint8Array([3]))
    const sig = Buffer.from(signHash(h, kp.secretKey)).toString('hex')
    const script = `
      import { secp256k1Backend, signSchnorr, verifySchnorr } from './chain/secp256k1.mjs'
      const x = s => Uint8Array.from(Buffer.from(s, 'hex'))
      const [sig, h, pk, sk] = ${JSON.stringify([sig, Buffer.from(h).toString('hex'), Buffer.from(kp.publicKey).toString('hex'), Buffer.from(kp.secretKey).toString('hex')])}.map(x)
      const own = signSchnorr(h, sk)
      process.stdout.write(JSON.stringify({ backend: secp256k1Backend(), theirs: verifySchnorr(sig, h, pk), own: Buffer.from(own).toString('hex') }))`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TAU_NATIVE_SECP256K1: '0' } })
    expect(r.status, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout) as { backend: { name: string, why: string }, theirs: boolean, own: string }
    expect(out.backend).to.deep.equal({ name: 'wasm', why: 'TAU_NATIVE_SECP256K1=0' })
    expect(out.theirs).to.equal(true)
    expect(verifyHash(hex(out.own), h, kp.publicKey)).to.equal(true)
  })
})
