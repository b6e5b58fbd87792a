import { expect } from 'chai'
import { Lru } from '../../../chain/lru.js'

describe('chain/lru', () => {
  it('refuses a capacity below 1', () => {
    expect(() => new Lru<string, number>(0)).to.throw(RangeError)
  })

  it('evicts the least recently set or read entry, never more than capacity', () => {
    const lru = new Lru<string, number>(3)
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) lru.set(k, v)
    expect(lru.get('a')).to.equal(1) // a becomes the youngest: b is now the oldest
    lru.set('d', 4)
    expect(lru.size).to.equal(3)
    expect(lru.has('b')).to.equal(false)
    expect([lru.has('a'), lru.has('c'), lru.has('d')]).to.deep.equal([true, true, true])
  })

  it('peek reads without making the entry younger', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.peek('a')).to.equal(1)
    lru.set('c', 3)
    expect(lru.has('a')).to.equal(false)
    expect(lru.peek('b')).to.equal(2)
  })

  it('replacing a key makes it the youngest without evicting anything', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    lru.set('a', 10)
    expect(lru.size).to.equal(2)
    lru.set('c', 3)
    expect([lru.peek('a'), lru.has('b'), lru.peek('c')]).to.deep.equal([10, false, 3])
    expect(lru.delete('a')).to.equal(true)
    expect(lru.delete('a')).to.equal(false)
  })
})
