import { expect } from 'chai'
import { decryptBody, encryptBody } from '../../../chain/messageCrypto.js'
import { generateKeyPair } from '../../../chain/crypto.js'
import { ChainError } from '../../../chain/errors.js'

describe('chain/messageCrypto', () => {
  const chainId = new Uint8Array(16).fill(3)
  const text = new TextEncoder().encode('meet at block 100')

  it('lets the receiver, and only the receiver, decrypt (any key parities)', () => {
    for (let i = 0; i < 16; i++) {
      const a = generateKeyPair(); const b = generateKeyPair(); const c = generateKeyPair()
      const aad = { chainId, from: a.publicKey, to: b.publicKey }
      const body = encryptBody(text, a.secretKey, aad)
      expect(Buffer.from(decryptBody(body, b.secretKey, aad)).toString()).to.equal('meet at block 100')
      expect(() => decryptBody(body, c.secretKey, aad)).to.throw(ChainError).with.property('code', 'MSG_DECRYPT_FAILED')
    }
  })

  it('rejects a tampered ciphertext and a body moved under another header', () => {
    const a = generateKeyPair(); const b = generateKeyPair()
    const aad = { chainId, from: a.publicKey, to: b.publicKey }
    const body = encryptBody(text, a.secretKey, aad)
    const flipped = Uint8Array.from(body); flipped[14] ^= 1
    expect(() => decryptBody(flipped, b.secretKey, aad)).to.throw(ChainError)
    expect(() => decryptBody(body, b.secretKey, { ...aad, chainId: new Uint8Array(16) })).to.throw(ChainError)
    expect(() => decryptBody(body.subarray(0, 10), b.secretKey, aad)).to.throw(ChainError)
  })
})
