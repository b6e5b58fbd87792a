import { expect } from 'chai'
import { encodeCanonical } from '../../../chain/bencode.js'
import { CodecError } from '../../../chain/errors.js'
import { encodeEndpoint } from '../../../dht/endpoint.js'
import { type ChannelValues, decodeChannelValue, encodeChannelValue } from '../../../dht/items.js'
import type { ChannelName } from '../../../dht/salt.js'

const id = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const ids = (k: number): Uint8Array[] => Array.from({ length: k }, (_, i) => id(i + 1))

const samples: { [N in ChannelName]: ChannelValues[N] } = {
  blkTip: { h: id(7), n: 123_456, d: 2n ** 70n + 5n, e: encodeEndpoint({ host: '127.0.0.1', port: 40_000 }) },
  txTip: { x: ids(8) },
  msgTip: { h: id(9) },
  demand: { b: ids(8), x: [], m: ids(1) },
  gossip: { g: Array.from({ length: 10 }, (_, i) => ({ s: new Uint8Array(4).fill(i), r: new Uint8Array(4), y: 1, h: id(i), t: 28_000_000 + i })) }
}

function codeOf (f: () => unknown): string {
  try { f() } catch (e) { expect(e).to.be.instanceOf(CodecError); return (e as CodecError).code }
  return 'OK'
}

describe('dht/items', () => {
  for (const name of Object.keys(samples) as ChannelName[]) {
    it(`${name} round-trips and stays within 1000 bytes`, () => {
      const bytes = encodeChannelValue(name, samples[name])
      expect(bytes.length).to.be.at.most(1000)
      expect(decodeChannelValue(name, bytes)).to.deep.equal(samples[name])
      expect(encodeChannelValue(name, decodeChannelValue(name, bytes))).to.deep.equal(bytes)
    })
  }

  it('blkTip without an endpoint, and with d = 0', () => {
    const v = { h: id(1), n: 0, d: 0n }
    expect(decodeChannelValue('blkTip', encodeChannelValue('blkTip', v))).to.deep.equal(v)
  })

  it('refuses values that break the schema when encoding', () => {
    expect(codeOf(() => encodeChannelValue('txTip', { x: ids(9) }))).to.equal('CODEC_LIST_TOO_LONG')
    expect(codeOf(() => encodeChannelValue('msgTip', { h: new Uint8Array(31) }))).to.equal('CODEC_BAD_LENGTH')
    expect(codeOf(() => encodeChannelValue('blkTip', { h: id(1), n: 1, d: 1n, e: new Uint8Array(4) }))).to.equal('CODEC_BAD_LENGTH')
    expect(codeOf(() => encodeChannelValue('blkTip', { h: id(1), n: 1.5, d: 1n }))).to.equal('CODEC_NOT_INTEGER')
    expect(codeOf(() => encodeChannelValue('demand', { b: [], x: [] } as unknown as ChannelValues['demand']))).to.equal('CODEC_MISSING_KEY')
    const g = { g: [...samples.gossip.g, samples.gossip.g[0]] }
    expect(codeOf(() => encodeChannelValue('gossip', g))).to.equal('CODEC_LIST_TOO_LONG')
  })

  it('refuses hostile bytes when decoding', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
    const good = encodeChannelValue('msgTip', samples.msgTip)
    expect(codeOf(() => decodeChannelValue('msgTip', new Uint8Array([...good, 0x65])))).to.equal('CODEC_TRAILING_BYTES')
    expect(codeOf(() => decodeChannelValue('msgTip', encodeCanonical({ h: id(1), z: 1 })))).to.equal('CODEC_UNKNOWN_KEY')
    expect(codeOf(() => decodeChannelValue('txTip', encodeCanonical({ x: [id(1), 5] })))).to.equal('CODEC_WRONG_TYPE')
    expect(codeOf(() => decodeChannelValue('blkTip', enc('d1:d1:\x001:h32:' + 'a'.repeat(32) + '1:ni1ee')))).to.equal('CODEC_NON_CANONICAL')
    expect(codeOf(() => decodeChannelValue('demand', enc('d1:xle1:ble1:mlee')))).to.equal('CODEC_NON_CANONICAL') // unsorted keys
    expect(codeOf(() => decodeChannelValue('blkTip', enc('d1:d0:1:h32:' + 'a'.repeat(32) + '1:ni-1ee')))).to.equal('CODEC_INT_RANGE')
    expect(codeOf(() => decodeChannelValue('gossip', new Uint8Array(1001)))).to.equal('CODEC_TOO_LARGE')
    expect(codeOf(() => decodeChannelValue('txTip', encodeCanonical({ x: ids(9) })))).to.equal('CODEC_LIST_TOO_LONG')
  })
})
