// PROTOCOL §9: gossip is put only when it changed or a new slot starts, never on a timer alone.
// Ten idle minutes on a simulated clock, with the real Channels and Putter over a real DHT engine
// on 127.0.0.1 (no peers: the puts go nowhere, they are counted as they are made).
import { expect } from 'chai'
import { generateKeyPair } from '../../../../chain/crypto.js'
import { Channels, DhtEngine, Getter, type MutablePut, type PutHandle, Putter, SeqClock } from '../../../../dht/index.js'
import { CONVERSATION_QUIET_MS, GOSSIP_ACTIVE_INTERVAL_MIN, GOSSIP_DEFAULT_INTERVAL_MIN } from '../../../../node/messaging/constants.js'
import { GossipPublisher } from '../../../../node/messaging/gossipPublisher.js'
import { decodeGossip } from '../../../../node/messaging/gossip.js'

const GOSSIP = new TextEncoder().encode('gossip')

/** The real putter, counting the gossip channel's mutable puts it is asked to make. */
class CountingPutter extends Putter {
  readonly gossip: Array<{ atMs: number, q?: number }> = []
  constructor (engine: DhtEngine, private readonly clock: () => number) { super(engine) }
  override putMutable (p: MutablePut): PutHandle {
    if (Buffer.from(p.salt.subarray(16, 16 + GOSSIP.length)).equals(GOSSIP)) this.gossip.push({ atMs: this.clock(), q: decodeGossip(p.value).q })
    return super.putMutable(p)
  }
}

describe('messaging: gossip puts over 10 idle minutes (simulated clock)', function () {
  this.timeout(30_000)
  let engine: DhtEngine

  before(async () => {
    engine = new DhtEngine({ keyPair: generateKeyPair(), host: '127.0.0.1', port: 0, bootstrap: [] })
    await engine.start()
  })
  after(async () => { await engine.stop() })

  it('equals the slot changes plus the real changes (a message, and the interval going back to the default)', () => {
    const SLOT_S = 60
    const start = 1_800_000_000_000 // a slot boundary (divisible by 60 000)
    let now = start
    const clock = (): number => now
    const putter = new CountingPutter(engine, clock)
    const channels = new Channels({ engine, getter: new Getter(engine), putter, seq: new SeqClock(undefined, clock), chainId: new Uint8Array(16).fill(3), blockTimeS: SLOT_S, now: clock })
    const pub = new GossipPublisher({ put: v => { channels.publish('gossip', v) }, nowMs: clock, nickname: new TextEncoder().encode('alice') })

    expect(pub.flush(), 'first put at start').to.equal(true)
    const messageAtMs = start + 150_500 // mid-slot, so a change never coincides with a slot change
    let changes = 1
    let slotChanges = 0
    let slot = channels.currentSlot()
    for (let s = 1; s <= 600; s++) {
      now = start + s * 1000
      if (now >= messageAtMs && now - 1000 < messageAtMs) {
        pub.observe({ s: new Uint8Array(4).fill(1), r: new Uint8Array(4).fill(2), y: 1, h: new Uint8Array(32).fill(5), t: Math.floor(now / 60_000) })
        pub.activity()
      }
      // The node's ticks: the publisher (once a second) and the publisher of every channel (new slots).
      if (pub.flush()) changes++
      channels.republishStale()
      if (channels.currentSlot() !== slot) { slot = channels.currentSlot(); slotChanges++ }
    }
    expect(slotChanges).to.equal(10)
    expect(changes, 'start, the message (with q = 1), q back to 10 after the quiet period').to.equal(3)
    expect(putter.gossip.length).to.equal(slotChanges + changes)
    // The interval announced: 10, then 1 from the message on, 10 again after CONVERSATION_QUIET_MS.
    expect(putter.gossip[0].q).to.equal(GOSSIP_DEFAULT_INTERVAL_MIN)
    const active = putter.gossip.filter(p => p.q === GOSSIP_ACTIVE_INTERVAL_MIN)
    expect(active[0].atMs).to.be.within(messageAtMs, messageAtMs + 1000)
    expect(active[active.length - 1].atMs).to.be.below(messageAtMs + CONVERSATION_QUIET_MS)
    expect(putter.gossip[putter.gossip.length - 1].q).to.equal(GOSSIP_DEFAULT_INTERVAL_MIN)
  })
})
