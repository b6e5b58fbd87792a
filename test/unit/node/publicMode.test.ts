// ClientLimiter with a controlled clock: bursts, refill rate, retry-after, in-flight caps, streams,
// and the bound on remembered IPs.
import { expect } from 'chai'
import { ClientLimiter, type PublicLimits } from '../../../node/api/publicMode.js'
import { RateLimitError } from '../../../node/api/http.js'
import { configHelp, loadConfig } from '../../../node/config.js'

const LIMITS: PublicLimits = { ratePerS: 2, burst: 4, maxConcurrentPerIp: 3, maxConcurrent: 5, maxStreamsPerIp: 1, maxTrackedIps: 3 }

function refusal (f: () => unknown): RateLimitError {
  try { f() } catch (e) { if (e instanceof RateLimitError) return e; throw e }
  throw new Error('not refused')
}

describe('node/api ClientLimiter', () => {
  let now = 0
  const limiter = (): ClientLimiter => { now = 0; return new ClientLimiter(LIMITS, () => now) }

  it('allows a burst, then the refill rate, with retry-after in whole seconds', () => {
    const l = limiter()
    for (let i = 0; i < 4; i++) l.admit('a')()
    const e = refusal(() => l.admit('a'))
    expect(e).to.include({ status: 429, code: 'RATE_LIMITED', retryAfterS: 1 })
    now += 500 // one token at 2/s
    l.admit('a')()
    expect(refusal(() => l.admit('a')).code).to.equal('RATE_LIMITED')
    l.admit('b')() // another client is untouched
    expect(l.refused.rate).to.equal(2)
  })

  it('caps requests in flight per client (429) and overall (503)', () => {
    const l = limiter()
    const done = [l.admit('a'), l.admit('a'), l.admit('a')]
    expect(refusal(() => l.admit('a'))).to.include({ status: 429, code: 'TOO_MANY_CONCURRENT' })
    done[0]()
    done[0]() // a second call does nothing
    const more = [l.admit('a'), l.admit('b'), l.admit('b')]
    expect(refusal(() => l.admit('c'))).to.include({ status: 503, code: 'BUSY' })
    for (const d of [...done.slice(1), ...more]) d()
    l.admit('c')()
  })

  it('caps streams per client and forgets the longest idle IPs beyond the bound', () => {
    const l = limiter()
    const close = l.openStream('a')
    expect(refusal(() => l.openStream('a')).code).to.equal('TOO_MANY_STREAMS_PER_CLIENT')
    close()
    l.openStream('a')
    for (const ip of ['b', 'c', 'd', 'e']) l.admit(ip)()
    expect(l.tracked).to.equal(3)
    // 'a' holds a stream, so it was kept while idle ones were forgotten.
    expect(refusal(() => l.openStream('a')).code).to.equal('TOO_MANY_STREAMS_PER_CLIENT')
  })

  it('is off by default and switched on by --api-public or TAU_API_PUBLIC', () => {
    expect(loadConfig({}, {}).apiPublic).to.equal(false)
    expect(loadConfig({ 'api-public': true }, {}).apiPublic).to.equal(true)
    expect(loadConfig({}, { TAU_API_PUBLIC: '1' }).apiPublic).to.equal(true)
    expect(() => loadConfig({}, { TAU_API_PUBLIC: 'maybe' })).to.throw(/api-public/)
    expect(configHelp()).to.match(/--api-public +public API mode/)
  })
})
