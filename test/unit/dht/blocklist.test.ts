import { expect } from 'chai'
import { Blocklist, MAX_BLOCKED_ENDPOINTS } from '../../../dht/blocklist.js'

describe('dht/blocklist', () => {
  it('blocks the listed endpoints only, and is replaced as a whole', () => {
    const b = new Blocklist()
    expect(b.has('127.0.0.1', 7000)).to.equal(false)
    b.replace([{ host: '127.0.0.1', port: 7000 }])
    expect(b.has('127.0.0.1', 7000)).to.equal(true)
    expect(b.has('127.0.0.1', 7001)).to.equal(false)
    b.replace([])
    expect(b.has('127.0.0.1', 7000)).to.equal(false)
  })

  it('silence blocks every endpoint until it is lifted, and the list is kept meanwhile', () => {
    const b = new Blocklist()
    b.replace([{ host: '127.0.0.1', port: 7000 }])
    b.silence(true)
    expect(b.silenced).to.equal(true)
    expect(b.has('127.0.0.1', 7001)).to.equal(true)
    expect(b.has('10.0.0.9', 1)).to.equal(true)
    expect(b.has(undefined, undefined)).to.equal(true)
    b.silence(false)
    expect(b.has('127.0.0.1', 7001)).to.equal(false)
    expect(b.has('127.0.0.1', 7000)).to.equal(true)
  })

  it('refuses a list over the bound with a coded error', () => {
    const eps = Array.from({ length: MAX_BLOCKED_ENDPOINTS + 1 }, (_, i) => ({ host: '127.0.0.1', port: 1000 + i }))
    expect(() => new Blocklist().replace(eps)).to.throw().with.property('code', 'DHT_BAD_ENDPOINT')
  })
})
