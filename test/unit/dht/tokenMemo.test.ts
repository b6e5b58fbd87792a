// Write tokens from the memo are the library's tokens, byte for byte, across a secret rotation
// and past the memo's bound; a put's token check still accepts the current and previous secret's
// token and refuses any other.
import { expect } from 'chai'
import DHT from 'bittorrent-dht'
import { sha256 } from '../../../chain/crypto.js'
import { memoTokens } from '../../../dht/tokenMemo.js'

interface Internals { _secrets: Buffer[], _rotateSecrets (): void, _validateToken (host: string, token: Buffer): boolean }

describe('dht token memo', () => {
  let dht: DHT
  const internals = (): Internals => dht as unknown as Internals
  const expected = (host: string, secret: Buffer): Buffer => Buffer.from(sha256(Buffer.concat([Buffer.from(host), secret])))

  beforeEach(() => {
    // No listen() and no bootstrap: nothing is sent; only the token functions are used.
    dht = new DHT({ bootstrap: false, hash: (b: Uint8Array) => Buffer.from(sha256(b)) })
    memoTokens(dht, 2)
  })
  afterEach(async () => { await new Promise<void>(resolve => dht.destroy(resolve)) })

  it('gives the library\'s token for each host and secret, the same bytes when asked again', () => {
    const [s0, s1] = internals()._secrets
    for (const host of ['127.0.0.1', '10.0.0.7', '192.168.1.2']) {
      expect(dht._generateToken(host).equals(expected(host, s0))).to.equal(true)
      expect(dht._generateToken(host, s1).equals(expected(host, s1))).to.equal(true)
      expect(dht._generateToken(host).equals(expected(host, s0))).to.equal(true) // from the memo
    }
  })

  it('follows a secret rotation: new tokens, the previous one still accepted, others refused', () => {
    const host = '127.0.0.1'
    const old = dht._generateToken(host)
    internals()._rotateSecrets()
    const now = dht._generateToken(host)
    expect(now.equals(old)).to.equal(false)
    expect(now.equals(expected(host, internals()._secrets[0]))).to.equal(true)
    expect(internals()._validateToken(host, old)).to.equal(true)
    expect(internals()._validateToken(host, now)).to.equal(true)
    expect(internals()._validateToken('127.0.0.2', now)).to.equal(false)
    internals()._rotateSecrets()
    expect(internals()._validateToken(host, old), 'two rotations later').to.equal(false)
  })
})
