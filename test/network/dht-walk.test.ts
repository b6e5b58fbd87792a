// The engine's own walk for puts and mutable gets (dht/walk.ts, storeRound.ts, lookupMutable.ts) on
// real UDP engines (127.0.0.1, one process, 16 nodes): a put reaches the k closest nodes; a
// mutable get returns the highest seq when nodes hold different ones, and neither a lower seq nor
// a bad signature wins; each distinct signature is checked once per walk; silent nodes cost at
// most one query timeout, and a walk asks past a slow node instead of waiting on each in turn; at
// most alpha queries are out at once and the per-walk cap holds; a repeat put to the same target
// reuses the walk's tokens; a holder's get hears of the first reply carrying its copy.
import type DHT from 'bittorrent-dht'
import type { GetResult } from 'bittorrent-dht'
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { keyPairFromSeed, sha256, signHash, type KeyPair } from '../../chain/crypto.js'
import { DHT_K, PUT_STORE_QUORUM, QUERY_TIMEOUT_MS, WALK_ALPHA } from '../../dht/constants.js'
import type { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { latestMutable } from '../../dht/lookupMutable.js'
import { Putter } from '../../dht/put.js'
import { TestNet } from '../../dht/testnet.js'
import { verifySignatureData } from '../../dht/verify.js'
import { walk, type WalkNode, type WalkStats } from '../../dht/walk.js'
import { mutableTarget, signatureData, toWire } from '../../dht/wire.js'
import { settleTables } from '../helpers/dhtTables.js'
import { waitFor } from '../helpers/wait.js'

const N = 16
const enc = new TextEncoder()
const object = (tag: string): Uint8Array => encodeCanonical({ b: enc.encode(tag), z: new Uint8Array(100).fill(5) })
const libOf = (e: DhtEngine): DHT => (e as unknown as { dht: DHT }).dht

function xor (a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i]
  return out
}

/** A signed mutable item as stored by the library (what its get answers carry). */
function signed (kp: KeyPair, salt: Uint8Array, seq: number, value: Uint8Array): { v: Record<string, unknown>, k: Buffer, salt: Buffer, sig: Buffer, seq: number } {
  const sig = Buffer.from(signHash(sha256(signatureData(salt, seq, value)), kp.secretKey))
  return { v: toWire(value), k: Buffer.from(kp.publicKey), salt: Buffer.from(salt), sig, seq }
}

describe('dht walk for puts and mutable gets (own walk, bounded, to the k closest)', function () {
  this.timeout(60_000)
  let net: TestNet
  let e: DhtEngine[]
  const nearest = (target: Uint8Array, except: DhtEngine[]): DhtEngine[] =>
    e.filter(x => !except.includes(x)).sort((a, b) => Buffer.compare(xor(a.nodeId, target), xor(b.nodeId, target)))

  before(async () => {
    net = await TestNet.start(N, { keySeed: 'dht-walk-test' })
    e = net.engines
    await settleTables(e)
  })

  after(async () => { await net?.stop() })

  it('a mutable put reaches the k closest nodes of 16, and a repeat put to the target skips the walk', async () => {
    const kp = keyPairFromSeed('dht-walk-put')
    const salt = enc.encode('p')
    const putter = e[0]
    const out = await new Putter(putter).putMutable({ salt, value: object('put-1'), seq: 1, keyPair: kp }).done
    expect(out.ok).to.equal(true)
    expect(out.nodes).to.be.at.least(PUT_STORE_QUORUM).and.at.most(DHT_K)
    const target = mutableTarget(kp.publicKey, salt)
    const closest = nearest(target, [putter]).slice(0, DHT_K)
    await waitFor(() => closest.every(x => x.storedValue(target)?.seq === 1), { timeoutMs: 10_000, what: 'the k closest hold seq 1' })
    const others = nearest(target, [putter]).slice(DHT_K)
    expect(others.filter(x => x.storedValue(target) !== undefined), 'no node outside the k closest').to.have.length(0)
    // The next item under the same key and salt: stores only (k datagrams), no walk.
    const before = putter.stats.traffic.packetsOut
    const again = await new Putter(putter).putMutable({ salt, value: object('put-2'), seq: 2, keyPair: kp }).done
    expect(again.ok).to.equal(true)
    await waitFor(() => closest.every(x => x.storedValue(target)?.seq === 2), { timeoutMs: 10_000, what: 'the k closest hold seq 2' })
    expect(putter.stats.traffic.packetsOut - before, 'puts only').to.be.at.most(DHT_K)
    // A node holding the item: the hook hears of the first reply carrying it (its "first value"),
    // once; the answer is its copy's seq. Through the Getter that costs no Schnorr check: the hook
    // knows the signature the node verified when the put was stored.
    const holder = closest[0]
    let calls = 0
    const hook = (sig: Uint8Array, msg: Uint8Array, k: Uint8Array): boolean => { calls++; return verifySignatureData(sig, msg, k) }
    const res = await new Promise<GetResult | null>(resolve => latestMutable(libOf(holder), target, salt, hook, resolve))
    expect(res?.seq).to.equal(2)
    expect(calls, 'the first reply carrying the value, once').to.equal(1)
    const checks = holder.stats.verifies
    expect((await new Getter(holder).getMutable(kp.publicKey, salt))?.seq).to.equal(2)
    expect(holder.stats.verifies - checks, 'no Schnorr check for the copy it verified on store').to.equal(0)
  })

  it('a mutable get returns the highest seq; a lower seq and a bad signature do not win; each signature is checked once', async () => {
    const kp = keyPairFromSeed('dht-walk-seq')
    const salt = enc.encode('s')
    const target = mutableTarget(kp.publicKey, salt)
    const hex = Buffer.from(target).toString('hex')
    const reader = e[1]
    const [a, b, c, d, ...rest] = nearest(target, [reader])
    const id = (x: DhtEngine): Buffer => Buffer.from(x.nodeId)
    // Seq 1 on most of the k closest, seq 2 on one of them only; two hold a higher seq whose
    // signature is not the publisher's (the same bad bytes on both).
    const one = signed(kp, salt, 1, object('seq-1'))
    const two = signed(kp, salt, 2, object('seq-2'))
    const bad = { ...signed(kp, salt, 9, object('seq-9')), sig: Buffer.alloc(64, 7) }
    for (const x of rest.slice(0, DHT_K - 4)) libOf(x)._values.set(hex, { ...one, id: id(x) })
    libOf(a)._values.set(hex, { ...one, id: id(a) })
    libOf(b)._values.set(hex, { ...two, id: id(b) })
    libOf(c)._values.set(hex, { ...bad, id: id(c) })
    libOf(d)._values.set(hex, { ...bad, id: id(d) })
    const calls: string[] = []
    const verify = (sig: Uint8Array, msg: Uint8Array, k: Uint8Array): boolean => {
      calls.push(Buffer.from(sig).toString('hex'))
      return verifySignatureData(sig, msg, k)
    }
    const res = await new Promise<GetResult | null>(resolve => latestMutable(libOf(reader), target, salt, verify, resolve))
    expect(res).to.not.equal(null)
    expect(res?.seq).to.equal(2)
    expect(new Set(calls).size, 'one check per distinct signature').to.equal(calls.length)
    expect(calls.length).to.be.at.most(3)
    // Through the Getter, as the node reads a channel: the same answer, verified.
    const got = await new Getter(reader).getMutable(kp.publicKey, salt)
    expect(got?.seq).to.equal(2)
    expect(got?.path).to.equal('recursive')
    expect(Buffer.from(got!.value).equals(object('seq-2'))).to.equal(true)
  })

  it('keeps at most alpha queries in flight, stops at the per-walk query cap, and ends with the k closest that answered', async () => {
    const dht = libOf(e[4])
    const rpc = dht._rpc
    const query = rpc.query.bind(rpc)
    let inflight = 0
    let most = 0
    rpc.query = (peer, msg, cb) => {
      inflight++
      most = Math.max(most, inflight)
      query(peer, msg, (err, res, from) => { inflight--; cb(err, res, from) })
    }
    const run = async (target: Buffer, alpha: number, maxQueries: number): Promise<{ closest: WalkNode[], stats: WalkStats }> =>
      // slowMs out of reach: a loaded machine must not turn a query slow and widen the walk here.
      await new Promise(resolve => walk(dht, { target, message: { q: 'get', a: { id: rpc.id, target } }, alpha, maxQueries, slowMs: 60_000, done: (closest, stats) => resolve({ closest, stats }) }))
    try {
      const target = Buffer.from(sha256(enc.encode('walk-cap')))
      const capped = await run(target, 2, 3)
      expect(capped.stats.sent).to.equal(3)
      expect(most, 'in flight').to.be.at.most(2)
      most = 0
      const full = await run(target, WALK_ALPHA, 256)
      expect(most, 'in flight').to.be.at.most(WALK_ALPHA)
      expect(full.closest).to.have.length(DHT_K)
      const want = nearest(target, [e[4]]).slice(0, DHT_K).map(x => Buffer.from(x.nodeId).toString('hex'))
      expect(full.closest.map(n => n.id?.toString('hex'))).to.deep.equal(want)
      expect(full.closest.every(n => n.token !== undefined), 'every one gave a write token').to.equal(true)
    } finally {
      rpc.query = query
    }
  })
  it('silent nodes among the k closest cost at most one query timeout, for a get and a put', async () => {
    const kp = keyPairFromSeed('dht-walk-silent')
    const salt = enc.encode('q')
    const target = mutableTarget(kp.publicKey, salt)
    const writer = e[2]
    const reader = e[3]
    expect((await new Putter(writer).putMutable({ salt, value: object('silent-1'), seq: 1, keyPair: kp }).done).ok).to.equal(true)
    const silent = nearest(target, [writer, reader]).slice(0, 3)
    for (const x of silent) x.blocked.silence(true)
    try {
      let t0 = performance.now()
      const got = await new Getter(reader).getMutable(kp.publicKey, salt)
      const getMs = performance.now() - t0
      expect(got?.seq).to.equal(1)
      expect(getMs, 'get: one query timeout at most').to.be.below(QUERY_TIMEOUT_MS)
      t0 = performance.now()
      const out = await new Putter(reader).putMutable({ salt, value: object('silent-2'), seq: 2, keyPair: kp }).done
      const putMs = performance.now() - t0
      expect(out.ok).to.equal(true)
      expect(putMs, 'put: one query timeout at most').to.be.below(QUERY_TIMEOUT_MS)
    } finally {
      for (const x of silent) x.blocked.silence(false)
    }
  })

  it('a walk asks past a slow node: three silent nodes in a row cost one query timeout, not three', async () => {
    const reader = e[5]
    const dht = libOf(reader)
    const target = Buffer.from(sha256(enc.encode('walk-slow')))
    const silent = nearest(target, [reader]).slice(0, 3)
    const silentIds = new Set(silent.map(x => Buffer.from(x.nodeId).toString('hex')))
    for (const x of silent) x.blocked.silence(true)
    try {
      const t0 = performance.now()
      // One query at a time: without the slow rule each silent node would be waited for in turn.
      const res = await new Promise<{ closest: WalkNode[], stats: WalkStats }>(resolve =>
        walk(dht, { target, message: { q: 'get', a: { id: dht._rpc.id, target } }, alpha: 1, maxQueries: 256, slowMs: 50, done: (closest, stats) => resolve({ closest, stats }) }))
      const ms = performance.now() - t0
      // Each silent query ends after 0.6–0.75 of the query timeout: two or more in turn would take
      // 1.2 timeouts at least; side by side they take one, plus the slow steps.
      expect(res.stats.failed, 'the silent nodes were asked and failed').to.be.at.least(2)
      expect(ms, 'about one query timeout').to.be.below(1.15 * QUERY_TIMEOUT_MS)
      // (How many of the k answer depends on which nodes earlier silences and timeouts dropped from
      // the routing tables the walk learns from.)
      expect(res.closest.length).to.be.at.least(1)
      expect(res.closest.filter(n => silentIds.has(n.id?.toString('hex') ?? '')), 'no silent node among those that answered').to.have.length(0)
    } finally {
      for (const x of silent) x.blocked.silence(false)
    }
  })

})
