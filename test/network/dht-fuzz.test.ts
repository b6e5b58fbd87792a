// 5,000 random and malformed packets sent with dgram to one node: wrong types in every field of
// every query, huge nesting, bad tokens, garbage, oversize values, stray responses. The node (and
// this process) must stay alive and answer a normal get afterwards.
import bencode from 'bencode'
import { expect } from 'chai'
import { createSocket } from 'node:dgram'
import { encodeCanonical } from '../../chain/bencode.js'
import { sha256 } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import { Getter } from '../../dht/get.js'
import { encodeChannelValue } from '../../dht/items.js'
import { Putter } from '../../dht/put.js'
import { TestNet } from '../../dht/testnet.js'
import { waitFor } from '../helpers/wait.js'

const PACKETS = 5000

/** xorshift32: a seeded generator, so a failing packet sequence can be replayed. */
function rng (seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x100000000 }
}

function makePackets (seed: number, token: Buffer, target: Buffer): Buffer[] {
  const r = rng(seed)
  const int = (n: number): number => Math.floor(r() * n)
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)))
  const pick = <T>(xs: T[]): T => xs[int(xs.length)]
  const deep = (n: number, open: string): Buffer => Buffer.from(open.repeat(n) + (open === 'd' ? '' : '0:') + 'e'.repeat(n))
  const wrongValue = (): unknown => pick<() => unknown>([
    () => int(1e6), () => -int(1e6), () => 2 ** 60, () => bytes(int(3)), () => bytes(31), () => bytes(33), () => bytes(200),
    () => [bytes(32)], () => ({ x: bytes(32) }), () => ({}), () => [], () => 'string'
  ])()
  const queries = ['ping', 'find_node', 'get', 'get_peers', 'announce_peer', 'put']
  const good = (q: string): Record<string, unknown> => ({
    ping: {}, find_node: { target }, get: { target }, get_peers: { info_hash: target },
    announce_peer: { info_hash: target, token, port: 6881 },
    put: { token, v: { a: bytes(8) }, k: bytes(32), sig: bytes(64), seq: 1, salt: bytes(8) }
  } as Record<string, Record<string, unknown>>)[q]
  const q = (name: string, a: Record<string, unknown>, extra: Record<string, unknown> = {}): Buffer =>
    Buffer.from(bencode.encode({ t: bytes(2), y: 'q', q: name, a: { id: bytes(32), ...a }, ...extra }))
  const kinds: Array<() => Buffer> = [
    () => bytes(int(1500)), // garbage
    () => { const p = q(pick(queries), good(pick(queries))); return p.subarray(0, int(p.length)) }, // truncated
    () => { const name = pick(queries); const a = good(name); const keys = [...Object.keys(a), 'id']; return q(name, { ...a, [pick(keys)]: wrongValue() }) },
    () => q(pick(queries), good(pick(queries)), { q: wrongValue() }), // q of the wrong type
    () => q('get', {}, { a: wrongValue() }), // a of the wrong type
    () => q('put', { token: bytes(int(80)), v: { a: bytes(int(40)) } }), // bad tokens
    () => q('put', { token, v: { a: bytes(1000 + int(20_000)) } }), // oversize v
    () => q('put', { token, v: { l: Array.from({ length: 600 }, () => int(9)) } }), // oversize as a list
    () => Buffer.concat([Buffer.from('d1:ad2:id32:'), bytes(32), Buffer.from('6:target'), deep(1 + int(5000), 'l'), Buffer.from('e1:q3:get1:t2:aa1:y1:qe')]),
    () => Buffer.concat([Buffer.from('d1:ad2:id32:'), bytes(32), Buffer.from('5:token32:'), token, Buffer.from('1:v'), deep(1 + int(3000), pick(['l', 'd'])), Buffer.from('e1:q3:put1:t2:aa1:y1:qe')]),
    () => deep(25_000, 'l'), // deeper than the wire decoder's stack
    () => Buffer.from(bencode.encode({ t: bytes(2), y: 'r', r: { id: wrongValue(), nodes: bytes(int(300)), v: wrongValue() } })), // stray responses
    () => Buffer.from(bencode.encode({ t: bytes(2), y: pick(['e', 'x', 'q']), e: wrongValue() })),
    () => Buffer.from(`d1:ad2:id32:${'a'.repeat(32)}9:__proto__d6:target32:${'b'.repeat(32)}ee1:q3:get1:t2:aa1:y1:qe`),
    () => Buffer.from(`d1:ad2:id32:${'a'.repeat(32)}5:token32:${'t'.repeat(32)}1:vd1:ai-5ee3:seqi99999999999999999999e1:k32:${'k'.repeat(32)}3:sig64:${'s'.repeat(64)}e1:q3:put1:t2:aa1:y1:qe`),
    () => Buffer.concat([Buffer.from('d1:ad2:id32:'), bytes(32), Buffer.from('5:token32:'), token, Buffer.from('1:vd1:ai1.5eee1:q3:put1:t2:aa1:y1:qe')])
  ]
  return Array.from({ length: PACKETS }, () => kinds[int(kinds.length)]())
}

describe('dht robustness: 5,000 malformed packets', function () {
  this.timeout(30_000)
  let net: TestNet

  before(async () => { net = await TestNet.start(4, { keySeed: 'dht-fuzz' }) })
  after(async () => { await net?.stop() })

  it('leave the node alive and answering normal gets', async () => {
    const [, victim, reader] = net.engines
    const block = encodeCanonical({ fuzz: new TextEncoder().encode('still here') })
    const id = sha256(block)
    victim.setLookup(t => toHex(t) === toHex(id) ? block : undefined)
    const salt = new TextEncoder().encode('fuzz-salt')
    const value = encodeChannelValue('msgTip', { h: id })
    new Putter(victim).putMutable({ salt, value, seq: 1 })

    const sock = createSocket('udp4')
    await new Promise<void>(resolve => sock.bind(0, '127.0.0.1', resolve))
    try {
      // A real write token (tokens depend on the sender's IP only), so hostile puts get as far
      // as the token and signature checks.
      const reply = await reader.directGet(victim.endpoint, id, 1000)
      const token = Buffer.from(reply?.token as Uint8Array)
      const packets = makePackets(0xC0FFEE, token, Buffer.from(id))
      const before = victim.stats.traffic.packetsIn
      for (let i = 0; i < packets.length; i++) {
        sock.send(packets[i], victim.endpoint.port, '127.0.0.1')
        if (i % 20 === 19) await new Promise(resolve => setImmediate(resolve)) // let the victim drain its socket
      }
      await waitFor(() => victim.stats.traffic.packetsIn - before >= PACKETS * 0.9, {
        timeoutMs: 10_000, what: 'the victim to read the packets', describe: () => JSON.stringify(victim.stats.snapshot().traffic)
      })
    } finally {
      sock.close()
    }

    const snap = victim.stats.snapshot()
    if (process.env.DHT_FUZZ_VERBOSE !== undefined) console.log(JSON.stringify({ dropped: snap.dropped, queriesIn: snap.queriesIn, traffic: snap.traffic }))
    const dropped = Object.values(snap.dropped).reduce((a, b) => a + b, 0)
    expect(victim.running).to.equal(true)
    expect(dropped, JSON.stringify(snap.dropped)).to.be.greaterThan(PACKETS / 4)
    expect(victim.nodeCount()).to.be.at.most(16) // one socket with random ids holds one table entry at most

    const getter = new Getter(reader)
    expect(await getter.getImmutable(id, { endpoint: victim.endpoint })).to.deep.equal({ value: block, path: 'direct' })
    const mut = await getter.getMutable(victim.keyPair!.publicKey, salt, { endpoint: victim.endpoint })
    expect(mut?.path).to.equal('direct')
    expect(mut?.value).to.deep.equal(value)
    // and the victim can still look things up through the network itself
    const other = new Putter(net.engines[3]).putImmutable(encodeCanonical({ after: new Uint8Array([1]) }))
    expect((await other.done).ok).to.equal(true)
    expect((await new Getter(victim).getImmutable(other.target))?.value).to.deep.equal(encodeCanonical({ after: new Uint8Array([1]) }))
  })
})
