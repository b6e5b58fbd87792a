// Push: a mutable item put straight to a peer's endpoint (engine.pushTo / Putter.push), over real
// UDP on 127.0.0.1. The receiver verifies it once, stores it and reports it (onStoredPut); a copy
// it already holds is answered 302 without a signature check; a bad signature is dropped and
// counted; a flood from one source is rate-limited and the receiver keeps answering.
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { keyPairFromSeed, sha256, signHash } from '../../chain/crypto.js'
import { bytesEqual } from '../../chain/hex.js'
import { DhtEngine, type StoredPut } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { Putter } from '../../dht/put.js'
import type { OwnItem } from '../../dht/store.js'
import { mutableTarget, signatureData, toWire } from '../../dht/wire.js'
import { waitFor } from '../helpers/wait.js'

const salt = new TextEncoder().encode('dht-push-salt')
const kp = keyPairFromSeed('dht-push-publisher')

function item (seq: number, h = 1): OwnItem {
  const value = encodeCanonical({ h: new Uint8Array(32).fill(h), n: seq })
  const sig = signHash(sha256(signatureData(salt, seq, value)), kp.secretKey)
  return { target: mutableTarget(kp.publicKey, salt), k: Buffer.from(kp.publicKey), salt: Buffer.from(salt), seq, sig: Buffer.from(sig), v: toWire(value), value }
}

describe('dht push (direct put to a peer endpoint)', function () {
  this.timeout(30_000)
  // Two engines that do not know each other: nothing reaches the receiver except what is pushed.
  let pub: DhtEngine
  let recv: DhtEngine
  const stored: StoredPut[] = []

  before(async () => {
    pub = new DhtEngine({ keyPair: kp })
    recv = new DhtEngine({ keyPair: keyPairFromSeed('dht-push-receiver') })
    await pub.start()
    await recv.start()
    recv.onStoredPut(x => { stored.push(x) })
  })
  after(async () => {
    await pub?.stop()
    await recv?.stop()
  })

  it('a pushed item is verified once, stored, reported, and then served to a get', async () => {
    const putter = new Putter(pub)
    const { target } = putter.putMutable({ salt, value: item(10).value, seq: 10 })
    const verifiesBefore = recv.stats.verifies
    const out = await putter.push(target, [recv.endpoint])
    expect(out).to.deep.equal({ ok: 1, already: 0, failed: 0 })
    expect(pub.pushes.tokenGets, 'no token yet: one get first').to.equal(1)
    expect(stored).to.have.length(1)
    expect(bytesEqual(stored[0].target, target)).to.equal(true)
    expect(stored[0].seq).to.equal(10)
    expect(bytesEqual(stored[0].value, item(10).value)).to.equal(true)
    expect(stored[0].from.port).to.equal(pub.endpoint.port)
    expect(recv.stats.verifies - verifiesBefore, 'one Schnorr check for the put (not one more in the library)').to.equal(1)
    expect(recv.storedValue(target)?.seq).to.equal(10)

    // Pushing the same item again: 302, no new report, no signature check, the token reused.
    const again = await putter.push(target, [recv.endpoint])
    expect(again).to.deep.equal({ ok: 0, already: 1, failed: 0 })
    expect(stored).to.have.length(1)
    expect(recv.stats.verifies - verifiesBefore).to.equal(1)
    expect(pub.pushes.tokenGets).to.equal(1)

    // A third engine reads it from the receiver; a second read of the same item is not re-verified.
    const reader = new DhtEngine({ bootstrap: [recv.endpoint] })
    await reader.start()
    try {
      const g = new Getter(reader)
      const a = await g.getMutable(kp.publicKey, salt, { endpoint: recv.endpoint })
      expect(a?.seq).to.equal(10)
      const v0 = reader.stats.verifies
      const b = await g.getMutable(kp.publicKey, salt, { endpoint: recv.endpoint })
      expect(b?.seq).to.equal(10)
      expect(reader.stats.verifies - v0, 'the unchanged item is not verified twice').to.equal(0)
      expect(reader.verified.hits).to.be.at.least(1)
    } finally {
      await reader.stop()
    }
  })

  it('a newer item replaces it; a push with a bad signature is dropped and counted', async () => {
    expect(await pub.pushTo(recv.endpoint, item(11))).to.equal('ok')
    expect(stored.at(-1)?.seq).to.equal(11)
    const n = stored.length
    const bad = item(12)
    bad.sig = Buffer.from(bad.sig)
    bad.sig[5] ^= 1
    const dropped = recv.stats.dropped.put_bad_sig ?? 0
    expect(await pub.pushTo(recv.endpoint, bad)).to.equal('failed') // no reply: dropped silently
    expect((recv.stats.dropped.put_bad_sig ?? 0) - dropped).to.equal(1)
    expect(stored).to.have.length(n)
    expect(recv.storedValue(item(11).target)?.seq, 'the verified item stays').to.equal(11)
  })

  it('a flood of pushes from one source is rate-limited and the receiver keeps answering', async () => {
    const flood = Array.from({ length: 400 }, (_, i) => item(1000 + i, 2))
    // In batches, so the loopback socket buffers do not drop what the rate limiter should see.
    const results: string[] = []
    for (let i = 0; i < flood.length; i += 50) {
      results.push(...await Promise.all(flood.slice(i, i + 50).map(async x => await pub.pushTo(recv.endpoint, x))))
    }
    expect(recv.stats.dropped.rate_limited ?? 0).to.be.greaterThan(0)
    expect(results.filter(r => r === 'ok').length).to.be.lessThan(400)
    expect(recv.stats.traffic.handlerErrors).to.equal(0)
    // Still alive and answering; the stored seq is one that was accepted.
    const reader = new DhtEngine({})
    await reader.start()
    try {
      const got = await waitFor(async () => await new Getter(reader).getMutable(kp.publicKey, salt, { endpoint: recv.endpoint }), { timeoutMs: 10_000, what: 'the receiver to answer a get after the flood' })
      expect(got.seq).to.be.at.least(1000)
    } finally {
      await reader.stop()
    }
  })

  it('a key whose blkTip-like gets keep finding nothing is asked less often; an item from it ends that', async () => {
    const silentKp = keyPairFromSeed('dht-push-silent')
    const reader = new Getter(recv)
    const silentSalt = new TextEncoder().encode('silent-salt')
    // Misses of a channel an owner may leave empty say nothing: the key is still asked.
    for (let i = 0; i < 5; i++) expect(await reader.getMutable(silentKp.publicKey, silentSalt)).to.equal(null)
    expect(reader.skippedSilent, 'skipped after misses that do not mean silence').to.equal(0)
    // Misses of an item a running owner always holds (missMeansSilent: its blkTip) do.
    const always = { missMeansSilent: true }
    for (let i = 0; i < 4; i++) expect(await reader.getMutable(silentKp.publicKey, silentSalt, always)).to.equal(null)
    const lookups = recv.stats.requests.recursive
    expect(await reader.getMutable(silentKp.publicKey, silentSalt)).to.equal(null)
    expect(recv.stats.requests.recursive, 'no lookup for a silent key').to.equal(lookups)
    expect(reader.skippedSilent).to.equal(1)
    // The key starts publishing: its item pushed to us is stored, and the next get asks again.
    const pubSilent = new DhtEngine({ keyPair: silentKp })
    await pubSilent.start()
    try {
      const putter = new Putter(pubSilent)
      const { target } = putter.putMutable({ salt: silentSalt, value: encodeCanonical({ h: new Uint8Array(32) }), seq: 1 })
      expect((await putter.push(target, [recv.endpoint])).ok).to.equal(1)
      const got = await reader.getMutable(silentKp.publicKey, silentSalt)
      expect(got?.seq).to.equal(1)
    } finally {
      await pubSilent.stop()
    }
  })
})
