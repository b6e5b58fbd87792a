// The agreement rule of external endpoint discovery (dht/external.ts): what is adopted, and what is not.
import { expect } from 'chai'
import { encodeEndpoint } from '../../../dht/endpoint.js'
import { ExternalEndpoint } from '../../../dht/external.js'
import { EXTERNAL_REPORT_TTL_MS } from '../../../dht/constants.js'

const ip = (s: string): Uint8Array => {
  const [host, port] = s.split(':')
  return encodeEndpoint({ host, port: Number(port) })
}

describe('dht external endpoint (BEP 42 ip reports)', () => {
  it('adopts an endpoint only once 3 distinct reporters agree', () => {
    const x = new ExternalEndpoint()
    x.report({ host: '10.0.0.1', port: 1 }, ip('203.0.113.5:4000'))
    x.report({ host: '10.0.0.2', port: 1 }, ip('203.0.113.5:4000'))
    expect(x.adopted()).to.equal(undefined)
    x.report({ host: '10.0.0.2', port: 1 }, ip('203.0.113.5:4000')) // the same reporter again does not count twice
    expect(x.adopted()).to.equal(undefined)
    x.report({ host: '10.0.0.3', port: 1 }, ip('203.0.113.5:4000'))
    expect(x.adopted()).to.deep.equal({ host: '203.0.113.5', port: 4000 })
    expect(x.view()).to.include({ adopted: '203.0.113.5:4000', agreeing: 3, reporters: 3, countedBy: 'ip' })
  })

  it('counts distinct IPs once reporters span 3 IPs: many ports on one host cannot outvote them', () => {
    const x = new ExternalEndpoint()
    for (let p = 1; p <= 10; p++) x.report({ host: '10.0.0.9', port: p }, ip('198.51.100.1:1'))
    x.report({ host: '10.0.0.1', port: 1 }, ip('203.0.113.5:4000'))
    x.report({ host: '10.0.0.2', port: 1 }, ip('203.0.113.5:4000'))
    expect(x.adopted()).to.equal(undefined) // 2 IPs vs 1 IP: below 3
    x.report({ host: '10.0.0.3', port: 1 }, ip('203.0.113.5:4000'))
    expect(x.adopted()).to.deep.equal({ host: '203.0.113.5', port: 4000 })
  })

  it('on a one-IP network (loopback) counts distinct ip:ports', () => {
    const x = new ExternalEndpoint()
    for (const p of [7001, 7002, 7003]) x.report({ host: '127.0.0.1', port: p }, ip('127.0.0.1:7000'))
    expect(x.view()).to.include({ adopted: '127.0.0.1:7000', countedBy: 'endpoint' })
  })

  it('a tie adopts nothing; the majority wins when reports change (re-checked on every read)', () => {
    const x = new ExternalEndpoint()
    for (const h of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) x.report({ host: h, port: 1 }, ip('203.0.113.5:4000'))
    for (const h of ['10.0.0.4', '10.0.0.5', '10.0.0.6']) x.report({ host: h, port: 1 }, ip('203.0.113.7:4000'))
    expect(x.adopted()).to.equal(undefined)
    x.report({ host: '10.0.0.1', port: 1 }, ip('203.0.113.7:4000')) // the NAT mapping changed
    expect(x.adopted()).to.deep.equal({ host: '203.0.113.7', port: 4000 })
  })

  it('an adopted endpoint is kept through a tie (a NAT giving some peers a fresh port), and given up when outvoted', () => {
    const x = new ExternalEndpoint()
    for (const h of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) x.report({ host: h, port: 1 }, ip('203.0.113.5:4000'))
    expect(x.adopted()).to.deep.equal({ host: '203.0.113.5', port: 4000 })
    for (const h of ['10.0.0.4', '10.0.0.5', '10.0.0.6']) x.report({ host: h, port: 1 }, ip('203.0.113.5:50536'))
    expect(x.view()).to.include({ adopted: '203.0.113.5:4000', agreeing: 3 })
    x.report({ host: '10.0.0.1', port: 1 }, ip('203.0.113.5:50536')) // 4 against 2
    expect(x.view()).to.include({ adopted: '203.0.113.5:50536', agreeing: 4 })
    x.report({ host: '10.0.0.4', port: 1 }, ip('203.0.113.5:4000')) // 3 against 3: the newer one stays
    expect(x.view()).to.include({ adopted: '203.0.113.5:50536', agreeing: 3 })
    x.report({ host: '10.0.0.5', port: 1 }, ip('203.0.113.9:1')) // 1 against 3
    x.report({ host: '10.0.0.6', port: 1 }, ip('203.0.113.9:1'))
    expect(x.view()).to.include({ adopted: '203.0.113.5:4000', agreeing: 3 })
  })

  it('reports expire: an endpoint nobody confirms any more is dropped', () => {
    let now = 1_000_000
    const x = new ExternalEndpoint(() => now)
    for (const h of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) x.report({ host: h, port: 1 }, ip('203.0.113.5:4000'))
    expect(x.adopted()).to.not.equal(undefined)
    now += EXTERNAL_REPORT_TTL_MS + 1
    expect(x.adopted()).to.equal(undefined)
    expect(x.view().reporters).to.equal(0)
  })

  it('a repeated report keeps its reporter alive; a changed one moves its vote, and a bad one after a good one is refused', () => {
    let now = 1_000_000
    const x = new ExternalEndpoint(() => now)
    for (const h of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) x.report({ host: h, port: 1 }, ip('203.0.113.5:4000'))
    now += EXTERNAL_REPORT_TTL_MS - 10
    for (const h of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) x.report({ host: h, port: 1 }, ip('203.0.113.5:4000'))
    now += 20 // past the first reports' life, within the repeats'
    expect(x.adopted()).to.deep.equal({ host: '203.0.113.5', port: 4000 })
    for (const h of ['10.0.0.1', '10.0.0.2']) x.report({ host: h, port: 1 }, ip('203.0.113.5:4001'))
    expect(x.view()).to.include({ adopted: null, reporters: 3 }) // 2 for the new port, 1 for the old: neither has 3
    x.report({ host: '10.0.0.3', port: 1 }, ip('203.0.113.5:4001'))
    expect(x.view()).to.include({ adopted: '203.0.113.5:4001', agreeing: 3 })
    x.report({ host: '10.0.0.3', port: 1 }, new Uint8Array(6)) // 0.0.0.0:0 from a known reporter
    expect(x.view()).to.include({ accepted: 9, refused: 1, reporters: 3, adopted: '203.0.113.5:4001' })
  })

  it('malformed ip values are counted and ignored, never thrown', () => {
    const x = new ExternalEndpoint()
    const bad: unknown[] = [undefined, 5, 'abc', new Uint8Array(5), new Uint8Array(7), new Uint8Array([1, 2, 3, 4, 0, 0]), new Uint8Array(6)]
    for (const b of bad) x.report({ host: '10.0.0.1', port: 1 }, b)
    x.report({ host: 'not-an-ip', port: 1 }, ip('203.0.113.5:4000'))
    expect(x.view()).to.include({ accepted: 0, refused: bad.length + 1, reporters: 0 })
  })
})
