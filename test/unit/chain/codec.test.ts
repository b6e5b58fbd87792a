import { expect } from 'chai'
import { BLOCK_SCHEMA, decodeBlock, encodeBlock, blockId } from '../../../chain/block.js'
import { TX_SCHEMA, decodeTx, encodeTx, txId } from '../../../chain/tx.js'
import { decodeMessage, encodeMessage, messageId } from '../../../chain/message.js'
import { encodeWith } from '../../../chain/codec.js'
import { CodecError } from '../../../chain/errors.js'
import { sha256 } from '../../../chain/crypto.js'
import { sampleBlock, sampleMessage, sampleNote, sampleTransfer } from '../../helpers/objects.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const cat = (...p: Array<Uint8Array | string>): Uint8Array => Buffer.concat(p.map(x => typeof x === 'string' ? enc(x) : x))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** The code a decoder throws for `input`, or 'OK'. */
function code (decode: (b: Uint8Array) => unknown, input: Uint8Array): string {
  try {
    decode(input)
    return 'OK'
  } catch (e) {
    if (!(e instanceof CodecError)) throw new Error(`non-codec error: ${String(e)}`)
    return e.code
  }
}

/** Encodes a dict by hand, in the given key order, so tests can produce any byte pattern. */
function rawTx (fields: Array<[string, string | Uint8Array]>): Uint8Array {
  return cat('d', ...fields.flatMap(([k, v]) => [`${k.length}:${k}`, v]), 'e')
}
const bs = (b: Uint8Array): Uint8Array => cat(`${b.length}:`, b)

/** The sample transfer as raw fields (sorted), with some replaced (raw bencode) or removed (null). */
function txWith (over: Record<string, string | Uint8Array | null>): Uint8Array {
  const t = sampleTransfer() as unknown as Record<string, number | Uint8Array>
  const fields: Array<[string, string | Uint8Array]> = []
  for (const k of Object.keys(t).sort()) {
    if (k in over) {
      const v = over[k]
      if (v !== null) fields.push([k, v])
    } else {
      const v = t[k]
      fields.push([k, typeof v === 'number' ? `i${v}e` : bs(v)])
    }
  }
  return rawTx(fields)
}

describe('chain/codec', () => {
  it('round-trips every object kind byte for byte', () => {
    const b = sampleBlock(16)
    const bb = encodeBlock(b)
    expect(hex(encodeBlock(decodeBlock(bb)))).to.equal(hex(bb))
    expect(decodeBlock(bb).d).to.equal(b.d)
    expect(hex(blockId(decodeBlock(bb)))).to.equal(hex(sha256(bb)))
    for (const t of [sampleTransfer(), sampleNote()]) {
      const tb = encodeTx(t)
      expect(hex(encodeTx(decodeTx(tb)))).to.equal(hex(tb))
      expect(hex(txId(decodeTx(tb)))).to.equal(hex(txId(t)))
    }
    for (const m of [sampleMessage(true), sampleMessage(false)]) {
      const mb = encodeMessage(m)
      expect(hex(encodeMessage(decodeMessage(mb)))).to.equal(hex(mb))
      expect(hex(messageId(decodeMessage(mb)))).to.equal(hex(messageId(m)))
    }
  })

  it('keeps a block with 16 transactions under 1000 bytes', () => {
    expect(encodeBlock(sampleBlock(16)).length).to.be.below(1000)
  })

  // A table of malformed encodings, each with the code it must produce.
  const tx = encodeTx(sampleTransfer())
  const block = encodeBlock(sampleBlock(2))
  const s = Buffer.from(tx).toString('latin1')
  const swap = (from: string, to: string): Uint8Array => Buffer.from(s.replace(from, to), 'latin1')
  const cases: Array<[string, (b: Uint8Array) => unknown, Uint8Array, string]> = [
    ['trailing byte', decodeTx, cat(tx, 'x'), 'CODEC_TRAILING_BYTES'],
    ['second value appended', decodeTx, cat(tx, 'i1e'), 'CODEC_TRAILING_BYTES'],
    ['empty input', decodeTx, new Uint8Array(0), 'CODEC_TRUNCATED'],
    ['truncated dict', decodeTx, tx.slice(0, tx.length - 1), 'CODEC_TRUNCATED'],
    ['truncated in the middle', decodeTx, tx.slice(0, 40), 'CODEC_TRUNCATED'],
    ['short string (declared longer than data)', decodeTx, enc('d1:c99:abce'), 'CODEC_TRUNCATED'],
    ['leading zero in integer', decodeTx, swap('1:ni1e', '1:ni01e'), 'CODEC_NON_CANONICAL'],
    ['leading zero in string length', decodeTx, swap('1:m2:hi', '1:m02:hi'), 'CODEC_NON_CANONICAL'],
    ['negative integer', decodeTx, swap('1:ni1e', '1:ni-1e'), 'CODEC_INT_RANGE'],
    ['negative zero', decodeTx, swap('1:ni1e', '1:ni-0e'), 'CODEC_INT_RANGE'],
    ['integer above 2^53-1', decodeTx, swap('1:ni1e', '1:ni9007199254740992e'), 'CODEC_INT_RANGE'],
    ['huge integer', decodeTx, swap('1:ni1e', '1:ni123456789012345678901234567890e'), 'CODEC_INT_RANGE'],
    ['empty integer', decodeTx, swap('1:ni1e', '1:nie'), 'CODEC_NOT_INTEGER'],
    ['float-looking integer', decodeTx, swap('1:ni1e', '1:ni1.5e'), 'CODEC_NOT_INTEGER'],
    ['plus sign', decodeTx, swap('1:ni1e', '1:ni+1e'), 'CODEC_NOT_INTEGER'],
    ['unsorted keys', decodeTx, rawTx([['b', 'i1e'], ['a', 'i1e']]), 'CODEC_NON_CANONICAL'],
    ['duplicate key', decodeTx, rawTx([['a', 'i1e'], ['a', 'i1e']]), 'CODEC_DUPLICATE_KEY'],
    ['unknown key', decodeTx, cat(tx.slice(0, tx.length - 1), '1:zi0ee'), 'CODEC_UNKNOWN_KEY'],
    ['missing key', decodeTx, txWith({ t: null }), 'CODEC_MISSING_KEY'],
    ['transfer without amount', decodeTx, txWith({ a: null }), 'CODEC_MISSING_KEY'],
    ['note with a receiver', decodeTx, txWith({ k: 'i2e' }), 'CODEC_UNKNOWN_KEY'],
    ['zero amount', decodeTx, txWith({ a: 'i0e' }), 'CODEC_INT_RANGE'],
    ['chain id of wrong length', decodeTx, txWith({ c: bs(new Uint8Array(15)) }), 'CODEC_BAD_LENGTH'],
    ['sender key of 31 bytes', decodeTx, txWith({ f: bs(new Uint8Array(31)) }), 'CODEC_BAD_LENGTH'],
    ['memo over 256 bytes', decodeTx, txWith({ m: bs(new Uint8Array(257)) }), 'CODEC_BAD_LENGTH'],
    ['string where an integer belongs', decodeTx, swap('1:ni1e', '1:n1:1'), 'CODEC_WRONG_TYPE'],
    ['integer where bytes belong', decodeTx, txWith({ c: 'i1e' }), 'CODEC_WRONG_TYPE'],
    ['integer where the signature belongs', decodeTx, txWith({ s: 'i5e' }), 'CODEC_WRONG_TYPE'],
    ['list as the top value', decodeTx, enc('li1ee'), 'CODEC_WRONG_TYPE'],
    ['nesting deeper than the schema', decodeTx, txWith({ m: 'lli1eee' }), 'CODEC_TOO_DEEP'],
    ['over 1000 bytes', decodeTx, cat(tx, new Uint8Array(1000)), 'CODEC_TOO_LARGE'],
    ['non-string dict key', decodeTx, enc('di1ei1ee'), 'CODEC_BAD_KEY'],
    ['garbage first byte', decodeTx, enc('x'), 'CODEC_BAD_TOKEN'],
    ['big integer with a leading zero byte', decodeBlock, Buffer.from(Buffer.from(block).toString('latin1').replace(/1:b(\d+):/, (_m, n) => `1:b${Number(n) + 1}:\u0000`), 'latin1'), 'CODEC_NON_CANONICAL'],
    ['too many transaction ids', decodeBlock, Buffer.from(Buffer.from(block).toString('latin1').replace('1:xl', '1:xl' + ('32:' + 'a'.repeat(32)).repeat(15)), 'latin1'), 'CODEC_LIST_TOO_LONG']
  ]

  for (const [name, decode, input, want] of cases) {
    it(`rejects ${name} with ${want}`, () => {
      expect(code(decode, input)).to.equal(want)
    })
  }

  it('refuses to encode a BigInt, a float, a missing key, an unknown key or an oversize object', () => {
    const t = sampleTransfer()
    const bad = (o: object): string => {
      try { encodeWith(TX_SCHEMA, o); return 'OK' } catch (e) { return (e as CodecError).code }
    }
    expect(bad({ ...t, n: 1n })).to.equal('CODEC_BIGINT')
    expect(bad({ ...t, e: 1.5 })).to.equal('CODEC_NOT_INTEGER')
    expect(bad({ ...t, e: -1 })).to.equal('CODEC_INT_RANGE')
    expect(bad({ ...t, t: undefined })).to.equal('CODEC_MISSING_KEY')
    expect(bad({ ...t, zz: 1 })).to.equal('CODEC_UNKNOWN_KEY')
    expect(bad({ ...t, c: 'chain' })).to.equal('CODEC_WRONG_TYPE')
    const b = sampleBlock(16)
    expect(() => encodeWith(BLOCK_SCHEMA, { ...b, d: -1n })).to.throw(CodecError)
  })

  it('survives 10,000 random mutations of valid objects with only CodecErrors', function () {
    this.timeout(60_000)
    let seed = 12345
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
    const originals: Array<[Uint8Array, (b: Uint8Array) => unknown]> = [
      [encodeBlock(sampleBlock(4)), decodeBlock], [encodeTx(sampleTransfer()), decodeTx],
      [encodeTx(sampleNote()), decodeTx], [encodeMessage(sampleMessage()), decodeMessage]
    ]
    let rejected = 0
    let accepted = 0
    for (let i = 0; i < 10_000; i++) {
      const [orig, decode] = originals[i % originals.length]
      const m = Uint8Array.from(orig)
      const kind = rnd(4)
      let input: Uint8Array = m
      if (kind === 0) m[rnd(m.length)] = rnd(256)
      else if (kind === 1) input = m.slice(0, rnd(m.length))
      else if (kind === 2) { const p = rnd(m.length); input = cat(m.slice(0, p), new Uint8Array([rnd(256)]), m.slice(p)) }
      else { m[rnd(m.length)] = rnd(256); m[rnd(m.length)] = rnd(256) }
      try {
        const obj = decode(input)
        // Whatever is accepted must be canonical: it re-encodes to exactly the input bytes.
        const again = 'x' in (obj as object) && 'g' in (obj as object) ? encodeBlock(obj as never)
          : 'y' in (obj as object) ? encodeMessage(obj as never) : encodeTx(obj as never)
        expect(hex(again), `mutation ${i}`).to.equal(hex(input))
        accepted++
      } catch (e) {
        expect(e, `mutation ${i}`).to.be.instanceOf(CodecError)
        rejected++
      }
    }
    expect(rejected + accepted).to.equal(10_000)
    expect(rejected).to.be.greaterThan(2000)
  })
})
