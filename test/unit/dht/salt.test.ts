import { expect } from 'chai'
import { CHANNEL_NAMES, channelSalt, slotOf } from '../../../dht/salt.js'
import { isDhtError } from '../../../dht/errors.js'

const chainId = Uint8Array.from({ length: 16 }, (_, i) => i + 1)

describe('dht/salt', () => {
  it('slot = floor(floor(now_ms / 1000) / T)', () => {
    expect(slotOf(0, 10)).to.equal(0)
    expect(slotOf(9_999, 10)).to.equal(0)
    expect(slotOf(10_000, 10)).to.equal(1)
    expect(slotOf(1_700_000_123_456, 30)).to.equal(Math.floor(1_700_000_123 / 30))
    // whole seconds first: 19.999 s is still second 19, slot 1 with T = 10
    expect(slotOf(19_999, 10)).to.equal(1)
  })

  it('rejects bad times and block times', () => {
    for (const [now, t] of [[-1, 10], [1.5, 10], [1000, 0], [1000, 2.5]]) {
      expect(() => slotOf(now, t)).to.throw().that.satisfies((e: unknown) => isDhtError(e, 'DHT_BAD_SALT'))
    }
  })

  it('salt = chainId ‖ name ‖ 8-byte big-endian slot', () => {
    const salt = channelSalt(chainId, 'blkTip', 0x0102030405)
    expect(salt.length).to.equal(16 + 6 + 8)
    expect(Array.from(salt.subarray(0, 16))).to.deep.equal(Array.from(chainId))
    expect(Buffer.from(salt.subarray(16, 22)).toString('latin1')).to.equal('blkTip')
    expect(Array.from(salt.subarray(22))).to.deep.equal([0, 0, 0, 1, 2, 3, 4, 5])
  })

  it('every channel salt fits BEP44 (≤ 64 bytes) and differs per channel and slot', () => {
    const seen = new Set<string>()
    for (const name of CHANNEL_NAMES) {
      for (const slot of [0, 1, Number.MAX_SAFE_INTEGER]) {
        const s = channelSalt(chainId, name, slot)
        expect(s.length).to.be.at.most(64)
        seen.add(Buffer.from(s).toString('hex'))
      }
    }
    expect(seen.size).to.equal(CHANNEL_NAMES.length * 3)
  })

  it('rejects a wrong chainId length, an unknown channel and a bad slot', () => {
    expect(() => channelSalt(chainId.subarray(1), 'txTip', 1)).to.throw(/DHT_BAD_SALT/)
    expect(() => channelSalt(chainId, 'nope' as 'txTip', 1)).to.throw(/DHT_BAD_CHANNEL/)
    expect(() => channelSalt(chainId, 'txTip', -1)).to.throw(/DHT_BAD_SALT/)
    expect(() => channelSalt(chainId, 'txTip', 0.5)).to.throw(/DHT_BAD_SALT/)
  })
})
