// The DHT layer's bounded tables (own items, verified signatures, write tokens, rate-limit sources)
// all evict through chain/lru.ts: a write makes an entry the youngest, a read does not.
import { expect } from 'chai'
import { MAX_KEPT_TOKENS } from '../../../dht/constants.js'
import { RateLimiter } from '../../../dht/ratelimit.js'
import { type OwnItem, OwnItems } from '../../../dht/store.js'
import { WriteTokens } from '../../../dht/tokens.js'
import { VerifiedCache } from '../../../dht/verify.js'

const target = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const own = (n: number): OwnItem => ({
  target: target(n), k: Buffer.alloc(32), salt: Buffer.from('s'), seq: n, sig: Buffer.alloc(64), v: {}, value: new Uint8Array([n])
})

describe('dht bounded tables', () => {
  it('OwnItems: keeps the newest published, serving does not keep an item', () => {
    const items = new OwnItems(2)
    items.keep(own(1))
    items.keep(own(2))
    expect(items.get(target(1))?.seq).to.equal(1) // served, not refreshed
    items.keep(own(3))
    expect(items.size).to.equal(2)
    expect(items.get(target(1))).to.equal(undefined)
    items.keep(own(2)) // re-published: now the youngest
    items.keep(own(4))
    expect([items.get(target(2))?.seq, items.get(target(3)), items.get(target(4))?.seq]).to.deep.equal([2, undefined, 4])
  })

  it('VerifiedCache: a hit does not keep an entry, a new signature does', () => {
    const cache = new VerifiedCache(2)
    const c = (n: number) => ({ msg: new Uint8Array([n]), sig: new Uint8Array(64).fill(n) })
    cache.set(target(1), c(1))
    cache.set(target(2), c(2))
    expect(cache.get(target(1))?.msg).to.deep.equal(new Uint8Array([1]))
    cache.set(target(3), c(3))
    expect(cache.get(target(1))).to.equal(undefined)
    expect(cache.size).to.equal(2)
  })

  it('WriteTokens: at most MAX_KEPT_TOKENS, the oldest kept token goes first', () => {
    const tokens = new WriteTokens()
    for (let i = 0; i <= MAX_KEPT_TOKENS; i++) tokens.keep(`127.0.0.1:${1000 + i}`, Buffer.from([i & 0xff]))
    expect(tokens.fresh('127.0.0.1:1000')).to.equal(undefined)
    expect(tokens.fresh('127.0.0.1:1001')?.[0]).to.equal(1)
    tokens.forget('127.0.0.1:1001')
    expect(tokens.fresh('127.0.0.1:1001')).to.equal(undefined)
  })

  it('RateLimiter: every take makes a source the most recently seen', () => {
    const rl = new RateLimiter(1, 1, 2, () => 0)
    expect(rl.take('a')).to.equal(true)
    expect(rl.take('b')).to.equal(true)
    expect(rl.take('a')).to.equal(false) // a is now the youngest, its bucket empty
    expect(rl.take('c')).to.equal(true) // b, the least recently seen, is forgotten
    expect(rl.sources).to.equal(2)
    expect(rl.take('a')).to.equal(false) // still tracked: not refilled
    expect(rl.take('b')).to.equal(true) // forgotten: a full bucket again
  })
})
