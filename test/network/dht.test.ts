// A 16-node DHT on real UDP sockets (127.0.0.1, OS-assigned ports), one process, no mocks.
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { sha256 } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import type { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { encodeChannelValue } from '../../dht/items.js'
import { Putter } from '../../dht/put.js'
import { TestNet } from '../../dht/testnet.js'
import { waitFor } from '../helpers/wait.js'

const N = 16
const enc = new TextEncoder()
/** A small canonical dict standing in for a block / tx / message. */
const object = (tag: string): Uint8Array => encodeCanonical({ b: enc.encode(tag), n: tag.length, z: new Uint8Array(64).fill(7) })
const saltOf = (tag: string): Uint8Array => enc.encode(`test-salt-${tag}`)

describe('dht network (16 nodes on loopback)', function () {
  this.timeout(30_000)
  let net: TestNet
  let engines: DhtEngine[]
  const getters = new Map<DhtEngine, Getter>()
  const getter = (e: DhtEngine): Getter => {
    let g = getters.get(e)
    if (g === undefined) { g = new Getter(e); getters.set(e, g) }
    return g
  }
  const describeNet = (): string => engines.map((e, i) => `node ${i}: running=${e.running} table=${e.nodeCount()}`).join('\n')

  before(async () => {
    net = await TestNet.start(N, { keySeed: 'dht-net-test' })
    engines = net.engines
    await waitFor(() => engines.every(e => e.nodeCount() >= 3), { timeoutMs: 5000, what: 'routing tables', describe: describeNet })
  })

  after(async () => { await net?.stop() })

  it('every immutable and mutable put is found by a get from another node', async () => {
    const imm = engines.map((e, i) => new Putter(e).putImmutable(object(`imm-${i}`)))
    const mut = engines.map((e, i) => new Putter(e).putMutable({
      salt: saltOf(`mut-${i}`), value: encodeChannelValue('msgTip', { h: sha256(object(`imm-${i}`)) }), seq: 1000 + i
    }))
    const outcomes = await Promise.all([...imm, ...mut].map(async h => await h.done))
    expect(outcomes.filter(o => !o.ok), JSON.stringify(outcomes)).to.deep.equal([])

    for (let i = 0; i < N; i++) {
      const reader = engines[(i + 5) % N]
      const gotImm = await getter(reader).getImmutable(imm[i].target)
      expect(gotImm?.value, `immutable ${i}`).to.deep.equal(object(`imm-${i}`))
      const gotMut = await getter(reader).getMutable(engines[i].keyPair!.publicKey, saltOf(`mut-${i}`))
      expect(gotMut?.seq, `mutable ${i}`).to.equal(1000 + i)
      expect(gotMut?.path).to.equal('recursive') // a stored copy of someone else's item never counts as local
      expect(sha256(gotMut!.k)).to.deep.equal(sha256(engines[i].keyPair!.publicKey))
    }
  })

  it('answers directly when the owner is online: its own mutable items and objects in its store', async () => {
    const owner = engines[3]
    const reader = engines[11]
    const block = object('only-in-the-owner-store')
    const id = sha256(block)
    owner.setLookup(t => toHex(t) === toHex(id) ? block : undefined)
    const direct = await getter(reader).getImmutable(id, { endpoint: owner.endpoint })
    expect(direct).to.deep.equal({ value: block, path: 'direct' })

    const salt = saltOf('direct-mutable')
    const value = encodeChannelValue('msgTip', { h: id })
    new Putter(owner).putMutable({ salt, value, seq: 77 }) // put and forget: the owner serves it at once
    const got = await getter(reader).getMutable(owner.keyPair!.publicKey, salt, { endpoint: owner.endpoint })
    expect(got?.path).to.equal('direct')
    expect(got?.value).to.deep.equal(value)
    expect(got?.seq).to.equal(77)
    owner.setLookup(undefined)
  })

  it("answers from the node's own store unless the caller says it already looked there", async () => {
    const node = engines[5]
    const owner = engines[9]
    const block = object('in-both-stores')
    const id = sha256(block)
    let looks = 0
    node.setLookup(t => { if (toHex(t) !== toHex(id)) return undefined; looks++; return block })
    owner.setLookup(t => toHex(t) === toHex(id) ? block : undefined)
    expect((await getter(node).getImmutable(id, { endpoint: owner.endpoint }))?.path).to.equal('local')
    expect(looks).to.equal(1)
    const asked = await getter(node).getImmutable(id, { endpoint: owner.endpoint, storeChecked: true })
    expect(asked?.path).to.equal('direct')
    expect(asked?.value).to.deep.equal(block)
    expect(looks).to.equal(1)
    node.setLookup(undefined)
    owner.setLookup(undefined)
  })

  it('50 concurrent gets of one target make exactly one network request', async () => {
    const owner = engines[6]
    const reader = engines[12]
    const block = object('fifty-readers')
    const id = sha256(block)
    owner.setLookup(t => toHex(t) === toHex(id) ? block : undefined)
    const before = { served: owner.stats.queriesIn.get ?? 0, ...reader.stats.requests, deduped: reader.stats.gets.deduped }
    const results = await Promise.all(Array.from({ length: 50 }, async () => await getter(reader).getImmutable(id, { endpoint: owner.endpoint })))
    expect(results.every(r => r?.path === 'direct' && toHex(r.value) === toHex(block))).to.equal(true)
    expect(reader.stats.requests.direct - before.direct).to.equal(1)
    expect(reader.stats.requests.recursive - before.recursive).to.equal(0)
    expect((owner.stats.queriesIn.get ?? 0) - before.served).to.equal(1) // counted where the packet lands
    expect(reader.stats.gets.deduped - before.deduped).to.equal(49)
    owner.setLookup(undefined)
  })

  it('finds items recursively when the owner is offline', async () => {
    const owner = engines[8]
    const salt = saltOf('offline-owner')
    const value = encodeChannelValue('msgTip', { h: sha256(enc.encode('x')) })
    const block = object('offline-owner-block')
    const mutPut = new Putter(owner).putMutable({ salt, value, seq: 5 })
    const immPut = new Putter(owner).putImmutable(block)
    expect((await mutPut.done).ok).to.equal(true)
    expect((await immPut.done).ok).to.equal(true)
    const ownerEndpoint = owner.endpoint
    const ownerKey = owner.keyPair!.publicKey
    await owner.stop()

    const got = await getter(engines[13]).getMutable(ownerKey, salt, { endpoint: ownerEndpoint })
    expect(got?.path).to.equal('recursive') // the direct attempt timed out after DIRECT_GET_TIMEOUT_MS
    expect(got?.value).to.deep.equal(value)
    // A node that joins now holds nothing, so its immutable get must walk the network.
    const late = await net.add()
    const imm = await getter(late).getImmutable(immPut.target, { endpoint: ownerEndpoint })
    expect(imm?.path).to.equal('recursive')
    expect(imm?.value).to.deep.equal(block)
  })

  it('reports a miss for an item nobody has, and resolves null', async () => {
    const reader = engines[2]
    const missed: string[] = []
    const off = getter(reader).onMiss((t, kind) => missed.push(`${kind}:${toHex(t)}`))
    const ghost = sha256(enc.encode('nobody has this'))
    expect(await getter(reader).getImmutable(ghost)).to.equal(null)
    off()
    expect(missed).to.deep.equal([`immutable:${toHex(ghost)}`])
  })
})
