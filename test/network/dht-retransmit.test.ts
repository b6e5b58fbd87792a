// Direct gets over a path that loses datagrams (dht/retransmit.ts), on real UDP on 127.0.0.1: a
// relay socket stands between the reader's engine and the holder's and drops the first N queries
// it is given. The reader knows no other node, so a direct get that gives up finds nothing: only a
// retransmission to the same endpoint can bring the item.
import { createSocket, type Socket } from 'node:dgram'
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { keyPairFromSeed, sha256 } from '../../chain/crypto.js'
import { bytesEqual } from '../../chain/hex.js'
import { DIRECT_MAX_SENDS, DIRECT_RETRANSMIT_MAX_MS, DIRECT_RETRANSMIT_MIN_MS } from '../../dht/constants.js'
import { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { RttEstimate } from '../../dht/retransmit.js'

/** Forwards reader → holder and back; drops the first `drop` datagrams from the reader. */
class LossyRelay {
  readonly front: Socket = createSocket('udp4')
  readonly back: Socket = createSocket('udp4')
  queries = 0
  dropped = 0
  private reader?: { address: string, port: number }

  constructor (private readonly holderPort: number, public drop: number) {}

  async start (): Promise<number> {
    this.front.on('message', (msg, rinfo) => {
      this.reader = rinfo
      this.queries++
      if (this.dropped < this.drop) { this.dropped++; return }
      this.back.send(msg, this.holderPort, '127.0.0.1')
    })
    this.back.on('message', msg => {
      if (this.reader !== undefined) this.front.send(msg, this.reader.port, this.reader.address)
    })
    await new Promise<void>(resolve => this.front.bind(0, '127.0.0.1', resolve))
    await new Promise<void>(resolve => this.back.bind(0, '127.0.0.1', resolve))
    return this.front.address().port
  }

  close (): void { this.front.close(); this.back.close() }
}

describe('dht direct get retransmission', function () {
  this.timeout(30_000)
  const block = encodeCanonical({ retransmit: new Uint8Array([1, 2, 3]) })
  const id = sha256(block)
  let holder: DhtEngine
  let reader: DhtEngine
  let relay: LossyRelay
  let via: { host: string, port: number }

  before(async () => {
    holder = new DhtEngine({ keyPair: keyPairFromSeed('retransmit-holder') })
    reader = new DhtEngine({ keyPair: keyPairFromSeed('retransmit-reader') })
    await holder.start()
    await reader.start()
    holder.setLookup(t => bytesEqual(t, id) ? block : undefined)
    relay = new LossyRelay(holder.endpoint.port, 0)
    via = { host: '127.0.0.1', port: await relay.start() }
  })
  after(async () => {
    relay?.close()
    await reader?.stop()
    await holder?.stop()
  })

  // The machine may be loaded (answers on loopback then take 100s of ms), so the gets below allow a
  // longer direct phase than the default, and what depends on the answer's speed is checked against
  // the round trip actually measured.
  const lenient = { directTimeoutMs: 3_000, timeoutMs: 15_000 }

  it('a clean path: answered directly; no retransmission when the answer came within the timeout', async () => {
    const getter = new Getter(reader, lenient)
    relay.queries = 0
    expect(await getter.getImmutable(id, { endpoint: via })).to.deep.equal({ value: block, path: 'direct' })
    expect(relay.queries).to.equal(getter.retransmits.sent)
    expect(getter.rtt.samples).to.equal(1)
    if (getter.rtt.smoothedMs! < DIRECT_RETRANSMIT_MAX_MS) expect(getter.retransmits).to.deep.equal({ sent: 1, retransmits: 0, answeredByRetransmit: 0 })
  })

  it('the first query lost: the retransmission brings the item directly', async () => {
    const getter = new Getter(reader, lenient)
    const attemptsBefore = reader.stats.requests.direct
    relay.queries = 0
    relay.dropped = 0
    relay.drop = 1
    expect(await getter.getImmutable(id, { endpoint: via })).to.deep.equal({ value: block, path: 'direct' })
    expect(relay.queries).to.equal(getter.retransmits.sent)
    expect(getter.retransmits.retransmits).to.be.at.least(1)
    expect(getter.retransmits.answeredByRetransmit).to.equal(1)
    expect(reader.stats.requests.direct - attemptsBefore, 'one direct get attempt, however many sends').to.equal(1)
  })

  it('a dead path: DIRECT_MAX_SENDS queries at most, then a miss (null)', async () => {
    // 3 s of direct phase hold every send (they are at most DIRECT_RETRANSMIT_MAX_MS apart): the
    // count stops at the cap, not at the clock.
    const getter = new Getter(reader, lenient)
    relay.queries = 0
    relay.dropped = 0
    relay.drop = 1_000
    expect(await getter.getImmutable(id, { endpoint: via })).to.equal(null)
    // The relay answered before, so the reader's table holds it: the recursive fallback asks it too.
    expect(relay.queries).to.be.at.least(DIRECT_MAX_SENDS)
    // At least one retransmission, never more than the cap. The library expires each send after
    // 0.6–0.75 × the query timeout (LIBRARY_TIMEOUT_FRACTION), which ends the sending as an empty
    // answer does: with the 500 ms timeout used before any answer, the third send may not come.
    const { sent, retransmits, answeredByRetransmit } = getter.retransmits
    expect(sent).to.be.within(2, DIRECT_MAX_SENDS)
    expect(retransmits).to.equal(sent - 1)
    expect(answeredByRetransmit).to.equal(0)
    relay.drop = 0
  })

  // The get's own cancellation (dht/cancel.ts in place of AbortControllers): a caller's abort and the
  // queue's deadline still end the get, free its slot and stop its sends.
  it('a caller\'s abort ends a direct get at once, frees its slot and stops its sends', async () => {
    const getter = new Getter(reader, lenient)
    relay.queries = 0
    relay.dropped = 0
    relay.drop = 1_000
    const ac = new AbortController()
    const p = getter.getImmutable(id, { endpoint: via, signal: ac.signal })
    await waitUntil(() => relay.queries >= 1)
    expect(getter.depth).to.equal(1)
    ac.abort()
    let code = 'resolved'
    try { await p } catch (e) { code = (e as { code?: string }).code ?? 'other' }
    expect(code).to.equal('DHT_ABORTED')
    expect(getter.depth).to.equal(0)
    // No send after the abort: wait past the longest retransmission timeout and count again.
    const after = relay.queries
    await new Promise(resolve => setTimeout(resolve, DIRECT_RETRANSMIT_MAX_MS + 200))
    expect(relay.queries).to.equal(after)
    expect(getter.retransmits.sent).to.equal(after)
    relay.drop = 0
  })

  it('the queue\'s deadline ends a get whose direct phase is longer: a miss (null), its slot freed, its sends stopped', async () => {
    const getter = new Getter(reader, { directTimeoutMs: 10_000, timeoutMs: 300 })
    relay.queries = 0
    relay.dropped = 0
    relay.drop = 1_000
    const misses: number[] = []
    getter.onMiss(() => { misses.push(1) })
    expect(await getter.getImmutable(id, { endpoint: via })).to.equal(null)
    expect(getter.depth).to.equal(0)
    expect(misses).to.have.length(1)
    const after = relay.queries
    await new Promise(resolve => setTimeout(resolve, DIRECT_RETRANSMIT_MAX_MS + 200))
    expect(relay.queries, 'no send after the deadline').to.equal(after)
    relay.drop = 0
  })
})

async function waitUntil (ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise(resolve => setTimeout(resolve, 10))
  expect(ok()).to.equal(true)
}

describe('RttEstimate', () => {
  it('waits the longest before any answer, then SRTT + 4 RTTVAR within its bounds', () => {
    const r = new RttEstimate()
    expect(r.retransmitAfterMs()).to.equal(DIRECT_RETRANSMIT_MAX_MS)
    for (const ms of [160, 180, 140, 170, 150, 165, 175, 155]) r.sample(ms)
    const rto = r.retransmitAfterMs()
    expect(r.smoothedMs).to.be.within(140, 180)
    expect(rto).to.be.above(r.smoothedMs!).and.at.most(DIRECT_RETRANSMIT_MAX_MS)
    const fast = new RttEstimate()
    for (let i = 0; i < 20; i++) fast.sample(1)
    expect(fast.retransmitAfterMs()).to.equal(DIRECT_RETRANSMIT_MIN_MS)
    const slow = new RttEstimate()
    slow.sample(2_000)
    expect(slow.retransmitAfterMs()).to.equal(DIRECT_RETRANSMIT_MAX_MS)
  })

  it('ignores samples that are not round trips', () => {
    const r = new RttEstimate()
    r.sample(Number.NaN)
    r.sample(-5)
    expect(r.samples).to.equal(0)
    expect(r.retransmitAfterMs()).to.equal(DIRECT_RETRANSMIT_MAX_MS)
  })
})
