// dht/closest.ts: the cheaper closest() gives k-bucket's contract exactly (the n nearest contacts by
// XOR distance, nearest first), checked against a brute-force sort on routing tables of real engines.
import { expect } from 'chai'
import type DHT from 'bittorrent-dht'
import type { Contact } from 'bittorrent-dht'
import { randomBytes } from 'node:crypto'
import { TestNet } from '../../../dht/testnet.js'

function xorLess (a: Uint8Array, b: Uint8Array, t: Uint8Array): number {
  for (let i = 0; i < t.length; i++) {
    const d = (a[i] ^ t[i]) - (b[i] ^ t[i])
    if (d !== 0) return d
  }
  return 0
}

describe('dht/closest', function () {
  this.timeout(20_000)
  let net: TestNet
  before(async () => { net = await TestNet.start(3, { keySeed: 'closest' }) })
  after(async () => { await net?.stop() })

  it('returns the n nearest contacts in exact XOR order, for tables of 1 to 400 contacts', () => {
    const nodes = (net.engines[0] as unknown as { dht: DHT }).dht._rpc.nodes
    const added: Contact[] = []
    const near = Buffer.from(randomBytes(32))
    for (let i = 0; i < 400; i++) {
      const id = Buffer.from(randomBytes(32))
      // a third share their first 7 bytes with `near`: ties in the 6-byte key are broken exactly
      if (i % 3 === 0) near.copy(id, 0, 0, 7)
      const c = { id, host: '127.0.0.1', port: 20_000 + i }
      nodes.add(c)
      added.push(c)
      if (i % 50 !== 0 && i !== 399) continue
      const all = nodes.toArray()
      for (const target of [near, Buffer.from(randomBytes(32)), all[0].id]) {
        for (const n of [1, 8, 20, Infinity]) {
          const expected = [...all].sort((a, b) => xorLess(a.id, b.id, target)).slice(0, n === Infinity ? all.length : n)
          expect(nodes.closest(target, n).map(x => x.port)).to.deep.equal(expected.map(x => x.port))
        }
      }
    }
    for (const c of added) nodes.remove(c.id)
  })

  it('refuses a target that is not bytes and a count that is not positive, as k-bucket does', () => {
    const nodes = (net.engines[0] as unknown as { dht: DHT }).dht._rpc.nodes
    expect(() => nodes.closest('x' as unknown as Uint8Array, 1)).to.throw(TypeError)
    const proto = Object.getPrototypeOf(nodes) as { closest: (id: Uint8Array, n?: number) => Contact[] }
    expect(() => proto.closest.call(nodes, Buffer.alloc(32), 0)).to.throw(TypeError)
  })
})
