import { expect } from 'chai'
import { decodeEndpoint, encodeEndpoint, formatEndpoint, parseEndpoint } from '../../../dht/endpoint.js'

describe('dht/endpoint', () => {
  it('encodes IPv4 + big-endian port in 6 bytes and back', () => {
    const b = encodeEndpoint({ host: '127.0.0.1', port: 6881 })
    expect(Array.from(b)).to.deep.equal([127, 0, 0, 1, 0x1a, 0xe1])
    expect(decodeEndpoint(b)).to.deep.equal({ host: '127.0.0.1', port: 6881 })
    for (const ep of [{ host: '10.1.2.3', port: 1 }, { host: '255.255.255.255', port: 65535 }]) {
      expect(decodeEndpoint(encodeEndpoint(ep))).to.deep.equal(ep)
    }
  })

  it('rejects IPv6, names, bad ports and wrong lengths', () => {
    expect(() => encodeEndpoint({ host: '::1', port: 1 })).to.throw(/DHT_BAD_ENDPOINT/)
    expect(() => encodeEndpoint({ host: 'localhost', port: 1 })).to.throw(/DHT_BAD_ENDPOINT/)
    expect(() => encodeEndpoint({ host: '127.0.0.1', port: 0 })).to.throw(/DHT_BAD_ENDPOINT/)
    expect(() => encodeEndpoint({ host: '127.0.0.1', port: 65536 })).to.throw(/DHT_BAD_ENDPOINT/)
    expect(() => decodeEndpoint(new Uint8Array(5))).to.throw(/DHT_BAD_ENDPOINT/)
    expect(() => decodeEndpoint(new Uint8Array(6))).to.throw(/DHT_BAD_ENDPOINT/) // port 0
  })

  it('parses and formats host:port strings', () => {
    expect(parseEndpoint(' 127.0.0.1:7000 ')).to.deep.equal({ host: '127.0.0.1', port: 7000 })
    expect(formatEndpoint({ host: '127.0.0.1', port: 7000 })).to.equal('127.0.0.1:7000')
    for (const bad of ['127.0.0.1', '127.0.0.1:0', '300.0.0.1:1', 'host:1', '[::1]:1', '127.0.0.1:99999']) {
      expect(() => parseEndpoint(bad), bad).to.throw(/DHT_BAD_ENDPOINT/)
    }
  })
})
