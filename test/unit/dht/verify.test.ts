import { expect } from 'chai'
import { encodeCanonical } from '../../../chain/bencode.js'
import { keyPairFromSeed, sha256, signHash } from '../../../chain/crypto.js'
import { LookupVerifier, verifyImmutable, verifyMutable, verifyStoredBytes } from '../../../dht/verify.js'
import { mutableTarget, signatureData, toWire } from '../../../dht/wire.js'

const kp = keyPairFromSeed('verify-unit')
const other = keyPairFromSeed('verify-unit-other')
const salt = new TextEncoder().encode('unit-salt')
const value = encodeCanonical({ h: new Uint8Array(32).fill(4) })
const msgAt = (seq: number): Uint8Array => signatureData(salt, seq, value)
const sigAt = (seq: number, sk = kp.secretKey): Uint8Array => signHash(sha256(msgAt(seq)), sk)

describe('dht/verify', () => {
  it('immutable: canonical dict whose hash is the target, at most 1000 bytes', () => {
    const wire = toWire(value)
    expect(verifyImmutable(wire, sha256(value))).to.deep.equal({ ok: true, item: value })
    expect(verifyImmutable(wire, sha256(new Uint8Array([1])))).to.deep.equal({ ok: false, reason: 'wrong_target' })
    const big = { x: Buffer.alloc(1200) }
    expect(verifyImmutable(big, sha256(encodeCanonical({ x: new Uint8Array(1200) })))).to.deep.equal({ ok: false, reason: 'oversize' })
    expect(verifyImmutable({ n: -1 }, sha256(value))).to.deep.equal({ ok: false, reason: 'bad_type' })
    expect(verifyStoredBytes(value, sha256(value)).ok).to.equal(true)
    expect(verifyStoredBytes(value, sha256(new Uint8Array(0)))).to.deep.equal({ ok: false, reason: 'wrong_target' })
  })

  it('mutable: key must match the target, signature must verify, known signatures are not checked twice', () => {
    const target = mutableTarget(kp.publicKey, salt)
    const r = { v: toWire(value), k: Buffer.from(kp.publicKey), seq: 3, sig: Buffer.from(sigAt(3)) }
    let checks = 0
    const count = (): void => { checks++ }
    expect(verifyMutable(r, salt, target, count)).to.deep.equal({ ok: true, item: { value, seq: 3, k: kp.publicKey } })
    expect(checks).to.equal(1)
    expect(verifyMutable(r, salt, target, count, { msg: msgAt(3), sig: sigAt(3) }).ok).to.equal(true) // another sig (fresh aux randomness): checked again
    expect(checks).to.equal(2)
    expect(verifyMutable(r, salt, target, count, { msg: msgAt(3), sig: r.sig }).ok).to.equal(true)
    expect(checks).to.equal(2) // same sig over the same bytes: skipped
    expect(verifyMutable({ ...r, seq: 4 }, salt, target)).to.deep.equal({ ok: false, reason: 'bad_sig' })
    expect(verifyMutable({ ...r, k: Buffer.from(other.publicKey) }, salt, target)).to.deep.equal({ ok: false, reason: 'wrong_target' })
    expect(verifyMutable({ ...r, sig: Buffer.alloc(63) }, salt, target)).to.deep.equal({ ok: false, reason: 'bad_sig' })
    expect(verifyMutable({ ...r, seq: -1 }, salt, target)).to.deep.equal({ ok: false, reason: 'bad_seq' })
    expect(verifyMutable({ ...r, k: 5 }, salt, target)).to.deep.equal({ ok: false, reason: 'bad_k' })
  })
})

describe('dht/verify LookupVerifier', () => {
  it('verifies only answers that could beat the best seq, under the publisher key only', () => {
    let checks = 0
    const lv = new LookupVerifier(kp.publicKey, salt, () => { checks++ })
    expect(lv.verify(sigAt(5), msgAt(5), kp.publicKey)).to.equal(true)
    expect(checks).to.equal(1)
    expect(lv.verify(sigAt(5), msgAt(5), kp.publicKey)).to.equal(false) // another replica, same seq: cannot win
    expect(lv.verify(sigAt(4), msgAt(4), kp.publicKey)).to.equal(false)
    expect(checks).to.equal(1)
    // an attacker's own validly signed item with a huge seq is refused without raising the bar
    expect(lv.verify(sigAt(1e12, other.secretKey), msgAt(1e12), other.publicKey)).to.equal(false)
    expect(checks).to.equal(1)
    // a forged higher seq costs one check and does not raise the bar either
    expect(lv.verify(new Uint8Array(64).fill(1), msgAt(7), kp.publicKey)).to.equal(false)
    expect(lv.verify(sigAt(7), msgAt(7), kp.publicKey)).to.equal(true)
    expect(checks).to.equal(3)
    expect(lv.checked?.msg).to.deep.equal(msgAt(7))
  })

  it('falls back to a full check when the bytes are not laid out as expected, and never throws', () => {
    const lv = new LookupVerifier(kp.publicKey, salt)
    const odd = new Uint8Array([1, 2, 3])
    expect(lv.verify(sigAt(1), odd, kp.publicKey)).to.equal(false)
    expect(lv.verify(null as never, msgAt(1), kp.publicKey)).to.equal(false)
    expect(lv.verify(sigAt(1), msgAt(1), 5 as never)).to.equal(false)
  })
})
