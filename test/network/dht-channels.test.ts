// Channels over a real loopback DHT: typed values, slots with previous-slot fallback, seq order,
// direct reads through the endpoint a blkTip advertises, and refusal of invalid signed values.
import { expect } from 'chai'
import { sha256 } from '../../chain/crypto.js'
import { Channels } from '../../dht/channels.js'
import { decodeEndpoint, encodeEndpoint } from '../../dht/endpoint.js'
import type { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { encodeCanonical } from '../../chain/bencode.js'
import { Putter } from '../../dht/put.js'
import { channelSalt, slotOf } from '../../dht/salt.js'
import { SeqClock } from '../../dht/seq.js'
import { TestNet } from '../../dht/testnet.js'

const chainId = sha256(new TextEncoder().encode('dht-channels-chain')).subarray(0, 16)
const T = 10
const id = (n: number): Uint8Array => new Uint8Array(32).fill(n)

describe('dht channels (loopback network)', function () {
  this.timeout(20_000)
  let net: TestNet
  let clock = 1_700_000_000_000
  const channels = (e: DhtEngine, now: () => number = () => clock): Channels =>
    new Channels({ engine: e, getter: new Getter(e), putter: new Putter(e), seq: new SeqClock(undefined, now), chainId, blockTimeS: T, now })

  before(async () => { net = await TestNet.start(6, { keySeed: 'dht-channels' }) })
  after(async () => { await net?.stop() })

  it('publishes a blkTip and reads it back, then directly through the advertised endpoint', async () => {
    const [, a, b] = net.engines
    const pub = channels(a)
    const tip = { h: id(1), n: 42, d: 10n ** 30n, e: encodeEndpoint(a.endpoint) }
    expect((await pub.publish('blkTip', tip).done).ok).to.equal(true)
    const reader = channels(b)
    const first = await reader.read(a.keyPair!.publicKey, 'blkTip')
    expect(first?.value).to.deep.equal(tip)
    expect(first?.path).to.equal('recursive')
    const again = await reader.read(a.keyPair!.publicKey, 'blkTip', { endpoint: decodeEndpoint(first!.value.e!) })
    expect(again?.path).to.equal('direct')
    expect(again?.value).to.deep.equal(tip)
  })

  it('a newer publish in the same slot wins (seq strictly increasing)', async () => {
    const [, , , a, b] = net.engines
    const pub = channels(a)
    const h1 = pub.publish('txTip', { x: [id(1)] })
    const h2 = pub.publish('txTip', { x: [id(2), id(3)] })
    expect((await h1.done).ok && (await h2.done).ok).to.equal(true)
    const got = await channels(b).read(a.keyPair!.publicKey, 'txTip')
    expect(got?.value).to.deep.equal({ x: [id(2), id(3)] })
  })

  it('falls back to the previous slot, and republishStale moves items to the new slot', async () => {
    const [, , , , a, b] = net.engines
    let pubNow = clock
    const pub = channels(a, () => pubNow)
    expect((await pub.publish('msgTip', { h: id(9) }).done).ok).to.equal(true)
    const readerNow = clock + T * 1000 // the reader is already in the next slot
    const reader = channels(b, () => readerNow)
    const got = await reader.read(a.keyPair!.publicKey, 'msgTip')
    expect(got?.value).to.deep.equal({ h: id(9) })
    expect(got?.slot).to.equal(pub.currentSlot())
    pubNow = readerNow
    expect(pub.republishStale()).to.equal(1)
    expect(pub.republishStale()).to.equal(0)
    const fresh = await reader.read(a.keyPair!.publicKey, 'msgTip', { endpoint: a.endpoint })
    expect(fresh?.slot).to.equal(reader.currentSlot())
    expect(fresh?.path).to.equal('direct')
  })

  it('refuses a validly signed item whose value breaks the channel schema', async () => {
    const [a, b] = net.engines
    const salt = channelSalt(chainId, 'msgTip', slotOf(clock, T))
    const bad = encodeCanonical({ h: new Uint8Array(31) })
    expect((await new Putter(a).putMutable({ salt, value: bad, seq: 1 }).done).ok).to.equal(true)
    const before = b.stats.rejected.bad_channel_value ?? 0
    // read() checks the current and the previous slot: both refuse or hold nothing
    expect(await channels(b).read(a.keyPair!.publicKey, 'msgTip', { endpoint: a.endpoint })).to.equal(null)
    expect((b.stats.rejected.bad_channel_value ?? 0) - before).to.equal(1)
  })
})
