// Deferred channel puts over a real loopback DHT (Channels.publish's delayMs): the item is served
// to direct gets at once while no other node stores it; the network put goes out after the wait; a
// newer item in the same slot supersedes a waiting put, an item of a later slot sends it first; the
// wait never runs past the slot's end margin; a stop during the wait ends it without a rejection.
import { expect } from 'chai'
import { sha256 } from '../../chain/crypto.js'
import { Channels } from '../../dht/channels.js'
import { DEFERRED_PUT_SLOT_MARGIN_MS } from '../../dht/constants.js'
import type { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { Putter } from '../../dht/put.js'
import { channelSalt, slotOf } from '../../dht/salt.js'
import { SeqClock } from '../../dht/seq.js'
import { TestNet } from '../../dht/testnet.js'
import { mutableTarget } from '../../dht/wire.js'

const chainId = sha256(new TextEncoder().encode('dht-deferred-chain')).subarray(0, 16)
const T = 60
/** A slot's first ms, far from any slot boundary in the tests' own clock. */
const SLOT_START = 28_333_333 * T * 1000
const id = (n: number): Uint8Array => new Uint8Array(32).fill(n)

describe('dht deferred channel puts (loopback network)', function () {
  this.timeout(30_000)
  let net: TestNet
  before(async () => { net = await TestNet.start(8, { keySeed: 'dht-deferred' }) })
  after(async () => { await net?.stop() })

  const channels = (e: DhtEngine, now: () => number): Channels =>
    new Channels({ engine: e, getter: new Getter(e), putter: new Putter(e), seq: new SeqClock(undefined, now), chainId, blockTimeS: T, now })
  const targetOf = (e: DhtEngine, name: 'blkTip' | 'msgTip' | 'txTip', nowMs: number): Uint8Array =>
    mutableTarget(Buffer.from(e.keyPair!.publicKey), Buffer.from(channelSalt(chainId, name, slotOf(nowMs, T))))
  /** Engines other than `owner` that store the item at `target`, and its seq there. */
  const holders = (owner: DhtEngine, target: Uint8Array): number[] =>
    net.engines.filter(e => e !== owner).map(e => e.storedValue(target)?.seq).filter((s): s is number => s !== undefined)
  /** Watches, every 25 ms for `windowMs`, that no engine but `owner` stores anything at `targets`. */
  const staysUnstored = async (owner: DhtEngine, targets: Uint8Array[], windowMs: number): Promise<void> => {
    for (const end = performance.now() + windowMs; performance.now() < end; await new Promise(resolve => setTimeout(resolve, 25))) {
      for (const t of targets) expect(holders(owner, t), 'stored before the wait ended').to.deep.equal([])
    }
  }

  it('serves the item directly at once, and puts it to the network only after the wait', async () => {
    const [a, b] = net.engines
    const now = SLOT_START + 1000
    const pub = channels(a, () => now)
    const t0 = performance.now()
    const h = pub.publish('msgTip', { h: id(1) }, 800)
    const direct = await channels(b, () => now).read(a.keyPair!.publicKey, 'msgTip', { endpoint: a.endpoint })
    expect(direct?.path).to.equal('direct')
    expect(direct?.value).to.deep.equal({ h: id(1) })
    await staysUnstored(a, [h.target], 400)
    const out = await h.done
    expect(out.ok).to.equal(true)
    expect(performance.now() - t0).to.be.at.least(750)
    expect(holders(a, h.target).length).to.be.at.least(4)
  })

  it('a newer item in the same slot supersedes a waiting put: only the newer one goes out', async () => {
    const [, a] = net.engines
    const now = SLOT_START + 2000
    const pub = channels(a, () => now)
    const ok0 = a.stats.puts.mutableOk
    const first = pub.publish('txTip', { x: [id(2)] }, 5000)
    const t0 = performance.now()
    const second = pub.publish('txTip', { x: [id(3)] })
    expect((await first.done).code).to.equal('DHT_PUT_SUPERSEDED')
    expect((await second.done).ok).to.equal(true)
    expect(performance.now() - t0).to.be.below(4000)
    expect(a.stats.puts.mutableOk - ok0).to.equal(1)
    const seqs = holders(a, second.target)
    expect(seqs.length).to.be.at.least(4)
    expect(new Set(seqs).size, 'one value on every holder').to.equal(1)
  })

  it('an item of a later slot sends a waiting put of the earlier slot first', async () => {
    const [, , a] = net.engines
    let now = SLOT_START + 3000
    const pub = channels(a, () => now)
    const early = pub.publish('blkTip', { h: id(4), n: 1, d: 1n }, 10_000)
    const earlyTarget = targetOf(a, 'blkTip', now)
    now += T * 1000 // the next slot
    const t0 = performance.now()
    pub.publish('blkTip', { h: id(5), n: 2, d: 2n })
    expect((await early.done).ok).to.equal(true)
    expect(performance.now() - t0).to.be.below(5000)
    // A reader in the new slot that finds nothing there yet still finds the earlier slot's item.
    expect(holders(a, earlyTarget).length).to.be.at.least(4)
  })

  it('never waits past the slot end margin', async () => {
    const [, , , a] = net.engines
    const now = SLOT_START + T * 1000 - DEFERRED_PUT_SLOT_MARGIN_MS - 300
    const pub = channels(a, () => now)
    const t0 = performance.now()
    const h = pub.publish('msgTip', { h: id(6) }, 20_000)
    expect((await h.done).ok).to.equal(true)
    expect(performance.now() - t0).to.be.below(3000)
  })

  it('republishStale gives each channel its own wait', async () => {
    const [, , , , a, b] = net.engines
    let now = SLOT_START + 4000
    const pub = channels(a, () => now)
    await Promise.all([pub.publish('msgTip', { h: id(7) }).done, pub.publish('txTip', { x: [id(8)] }).done])
    now += T * 1000
    const waits: number[] = []
    expect(pub.republishStale(() => { waits.push(600); return 600 })).to.equal(2)
    expect(waits).to.deep.equal([600, 600])
    await staysUnstored(a, [targetOf(a, 'msgTip', now), targetOf(a, 'txTip', now)], 350)
    for (const name of ['msgTip', 'txTip'] as const) {
      const direct = await channels(b, () => now).read(a.keyPair!.publicKey, name, { endpoint: a.endpoint })
      expect(direct?.slot).to.equal(slotOf(now, T))
    }
    const deadline = Date.now() + 10_000
    while (holders(a, targetOf(a, 'txTip', now)).length < 4 || holders(a, targetOf(a, 'msgTip', now)).length < 4) {
      expect(Date.now(), 'both republishes stored').to.be.below(deadline)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  })

  it('a stop during the wait ends the put with DHT_STOPPED, never a rejection', async () => {
    const own = await TestNet.start(3, { keySeed: 'dht-deferred-stop' })
    try {
      const a = own.engines[0]
      const h = channels(a, () => SLOT_START + 1000).publish('msgTip', { h: id(9) }, 300)
      await a.stop()
      const out = await h.done
      expect(out.ok).to.equal(false)
      expect(out.code).to.equal('DHT_STOPPED')
    } finally {
      await own.stop()
    }
  })
})
