// The recursive put of dht/storeRound.ts on real UDP engines (127.0.0.1, one process): the caller
// is answered once PUT_STORE_QUORUM stores were accepted, and the other stores still land, so all
// k closest nodes end up holding the item; each storing node verifies a mutable put's signature;
// the put datagrams are exactly BEP44's (canonical bencode, only the BEP44 keys).
import type DHT from 'bittorrent-dht'
import bencode from 'bencode'
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { keyPairFromSeed, sha256, signHash } from '../../chain/crypto.js'
import { DHT_K, PUT_STORE_QUORUM } from '../../dht/constants.js'
import type { DhtEngine } from '../../dht/engine.js'
import { Putter } from '../../dht/put.js'
import { recursivePut } from '../../dht/storeRound.js'
import { TestNet } from '../../dht/testnet.js'
import { mutableTarget, signatureData, toWire } from '../../dht/wire.js'
import { settleTables } from '../helpers/dhtTables.js'
import { waitFor } from '../helpers/wait.js'

const N = 12
const enc = new TextEncoder()
const object = (tag: string): Uint8Array => encodeCanonical({ b: enc.encode(tag), z: new Uint8Array(100).fill(7) })
const libOf = (e: DhtEngine): DHT => (e as unknown as { dht: DHT }).dht

describe('dht recursive put (answered at a quorum, every closest node stores)', function () {
  this.timeout(60_000)
  let net: TestNet
  let e: DhtEngine[]
  const holders = (target: Uint8Array, except: DhtEngine): number => e.filter(x => x !== except && x.storedValue(target) !== undefined).length

  before(async () => {
    net = await TestNet.start(N, { keySeed: 'dht-put-quorum-test' })
    e = net.engines
    await settleTables(e)
  })

  after(async () => { await net?.stop() })

  it('an immutable put answers with at least the quorum stored, and all k closest hold it soon after', async () => {
    const bytes = object('imm')
    const out = await new Putter(e[1]).putImmutable(bytes).done
    expect(out.ok).to.equal(true)
    expect(out.nodes).to.be.at.least(PUT_STORE_QUORUM).and.at.most(DHT_K)
    const target = sha256(bytes)
    await waitFor(() => holders(target, e[1]) >= DHT_K, { timeoutMs: 10_000, what: 'every closest node stored' })
    expect(e[1].storedValue(target), 'the putter keeps its item').to.not.equal(undefined)
  })

  it('a mutable put is verified by every node that stores it', async () => {
    const kp = keyPairFromSeed('dht-put-quorum-key')
    const salt = enc.encode('q1')
    const v0 = e.reduce((a, x) => a + x.stats.verifies, 0)
    const out = await new Putter(e[2]).putMutable({ salt, value: object('mut'), seq: 1, keyPair: kp }).done
    expect(out.ok).to.equal(true)
    expect(out.nodes).to.be.at.least(PUT_STORE_QUORUM)
    const target = mutableTarget(kp.publicKey, salt)
    await waitFor(() => holders(target, e[2]) >= DHT_K, { timeoutMs: 10_000, what: 'every closest node stored' })
    expect(e.reduce((a, x) => a + x.stats.verifies, 0) - v0).to.be.at.least(DHT_K)
    // The same signed item again, to the same nodes (the putter's lookup table is kept): every
    // node already holds it at this seq and answers 302, and the caller hears so.
    const value = object('mut')
    const sig = Buffer.from(signHash(sha256(signatureData(salt, 1, value)), kp.secretKey))
    const again = await e[2].put({ k: Buffer.from(kp.publicKey), salt: Buffer.from(salt), seq: 1, v: toWire(value), sig })
    expect(again.ok).to.equal(true)
    expect(again.alreadyThere).to.equal(true)
  })

  it('a quorum of 1 answers after the first store; a quorum past k waits for them all', async () => {
    const dht = libOf(e[3])
    const run = async (q: number, tag: string): Promise<number> => await new Promise((resolve, reject) => {
      recursivePut(dht, { v: toWire(object(tag)) }, (err, n) => { if (err !== null) reject(err); else resolve(n) }, q)
    })
    expect(await run(1, 'q-one')).to.equal(1)
    // The lookup's table may hold a few more than k nodes near the target; the put goes to all of them.
    expect(await run(DHT_K + 5, 'q-all')).to.be.at.least(DHT_K).and.below(DHT_K + 5)
  })

  it('sends put datagrams that are canonical bencode with only the BEP44 keys', async () => {
    const sock = libOf(e[4])._rpc.socket.socket
    const sent: Buffer[] = []
    const orig = sock.send.bind(sock) as (...args: unknown[]) => void
    const spy = (...args: unknown[]): void => { if (Buffer.isBuffer(args[0])) sent.push(Buffer.from(args[0])); orig(...args) }
    ;(sock as unknown as { send: typeof spy }).send = spy
    try {
      const kp = keyPairFromSeed('dht-put-quorum-wire')
      expect((await new Putter(e[4]).putImmutable(object('wire')).done).ok).to.equal(true)
      expect((await new Putter(e[4]).putMutable({ salt: enc.encode('w'), value: object('wire-m'), seq: 3, keyPair: kp }).done).ok).to.equal(true)
    } finally {
      ;(sock as unknown as { send: unknown }).send = orig
    }
    const puts = sent.map(b => ({ b, m: bencode.decode(b) as Record<string, unknown> })).filter(x => Buffer.from(x.m.q as Uint8Array ?? []).toString() === 'put')
    expect(puts.length).to.be.at.least(2 * PUT_STORE_QUORUM)
    const keys = new Set<string>()
    for (const { b, m } of puts) {
      expect(Buffer.from(bencode.encode(m)).equals(b), 'canonical bencode').to.equal(true)
      expect(Object.keys(m).sort()).to.deep.equal(['a', 'q', 't', 'y'])
      const a = m.a as Record<string, unknown>
      keys.add(Object.keys(a).sort().join(','))
      expect(a.token instanceof Uint8Array && a.token.length > 0, 'a write token').to.equal(true)
    }
    expect([...keys].sort()).to.deep.equal(['id,k,salt,seq,sig,token,v', 'id,token,v'])
  })
})
