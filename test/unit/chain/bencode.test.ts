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

  it('encodes random nested values as the oracle does, across buffer growth and after a failed encode', () => {
    let seed = 7
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
    const value = (depth: number): BValue => {
      const r = rnd(depth > 2 ? 2 : 4)
      if (r === 0) return rnd(1_000_000_007)
      if (r === 1) return new Uint8Array(rnd(3) === 0 ? 70_000 + rnd(100) : rnd(40)).map(() => rnd(256))
      if (r === 2) return Array.from({ length: rnd(5) }, () => value(depth + 1))
      const d: Record<string, BValue> = {}
      for (let i = rnd(6); i > 0; i--) d[String.fromCharCode(97 + rnd(26)) + (rnd(2) === 0 ? 'x' : '')] = value(depth + 1)
      return d
    }
    for (let i = 0; i < 300; i++) {
      const v = value(0)
      expect(Buffer.from(encodeCanonical(v)).equals(Buffer.from(bencode.encode(v)))).to.equal(true)
      if (i % 50 === 0) expect(() => encodeCanonical({ a: [1, -1] })).to.throw(CodecError)
    }
  })

  it('sorts dict keys by their UTF-8 bytes, not by UTF-16 code units', () => {
    // U+FF5A is EF BD 9A in UTF-8 and U+1F600 is F0 9F 98 80, but its UTF-16 form (D83D …) sorts first.
    const bytes = encodeCanonical({ '\u{1F600}': 1, '\uFF5A': 2 })
    const expected = Buffer.concat([Buffer.from('d3:'), Buffer.from('\uFF5A'), Buffer.from('i2e4:'), Buffer.from('\u{1F600}'), Buffer.from('i1ee')])
    expect(Buffer.from(bytes).equals(expected)).to.equal(true)
    expect(decodeCanonical(bytes, limits)).to.deep.equal({ '\uFF5A': 2, '\u{1F600}': 1 })
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
