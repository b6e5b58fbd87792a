import { expect } from 'chai'
import bencode from 'bencode'
import { type BValue, decodeCanonical, encodeCanonical } from '../../../chain/bencode.js'
import { CodecError } from '../../../chain/errors.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const limits = { maxBytes: 1000, maxDepth: 4 }

function codeOf (input: Uint8Array | string, lim = limits): string {
  try {
    decodeCanonical(typeof input === 'string' ? enc(input) : input, lim)
  } catch (e) {
    expect(e).to.be.instanceOf(CodecError)
    return (e as CodecError).code
  }
  return 'OK'
}

describe('chain/bencode', () => {
  it('decodes canonical values', () => {
    const v = decodeCanonical(enc('d1:ai0e1:bl3:xyzi42eee'), limits) as Record<string, unknown>
    expect(v.a).to.equal(0)
    expect(v.b).to.deep.equal([enc('xyz'), 42])
  })

  it('encodes exactly as the bencode package does (oracle)', () => {
    const samples: BValue[] = [
      { z: 1, a: enc('x'), m: [1, 2, enc('')] },
      { long: new Uint8Array(300).fill(255), n: 9007199254740991 },
      [{ b: 1, a: 2 }, 0, enc('ab')]
    ]
    for (const s of samples) {
      expect(Buffer.from(encodeCanonical(s)).toString('hex')).to.equal(Buffer.from(bencode.encode(s)).toString('hex'))
    }
  })

  it('maps a __proto__ key to a plain key, never to the prototype', () => {
    const v = decodeCanonical(enc('d9:__proto__i1ee'), limits) as Record<string, unknown>
    expect(Object.getPrototypeOf(v)).to.equal(null)
    expect(v.__proto__).to.equal(1)
  })

  it('never throws anything but CodecError on hostile input', () => {
    const hostile = ['l'.repeat(5000), 'd'.repeat(3000), 'i', '99999999999:a', '-1:a', 'x', 'i1', '1:', 'de'.repeat(10)]
    for (const h of hostile) expect(codeOf(h, { maxBytes: 100_000, maxDepth: 4 })).to.not.equal('OK')
  })
})
