import { expect } from 'chai'
import type { Contact } from 'bittorrent-dht'
import { compactNodes } from '../../../dht/compactNodes.js'
import { COMPACT_NODE_BYTES, ID_BYTES } from '../../../dht/constants.js'

const idOf = (b: number): Buffer => Buffer.alloc(ID_BYTES, b)
/** BEP5 compact node info written out by hand: id ‖ four address bytes ‖ big-endian port. */
const expected = (id: Buffer, ip: number[], port: number): Buffer => Buffer.concat([id, Buffer.from(ip), Buffer.from([port >> 8, port & 0xff])])

describe('dht compact nodes', () => {
  it('encodes contacts in their order as id, IPv4 and big-endian port', () => {
    const a: Contact = { id: idOf(1), host: '127.0.0.1', port: 6881 }
    const b: Contact = { id: idOf(2), host: '10.200.3.254', port: 65535 }
    const out = compactNodes([a, b])
    expect(out.length).to.equal(2 * COMPACT_NODE_BYTES)
    expect(out.equals(Buffer.concat([expected(idOf(1), [127, 0, 0, 1], 6881), expected(idOf(2), [10, 200, 3, 254], 65535)]))).to.equal(true)
  })

  it('leaves out contacts it cannot encode (short id, IPv6 or bad host, bad port)', () => {
    const good: Contact = { id: idOf(3), host: '192.168.1.9', port: 1 }
    const bad: Contact[] = [
      { id: Buffer.alloc(20, 4), host: '127.0.0.1', port: 7000 },
      { id: idOf(5), host: '::1', port: 7000 },
      { id: idOf(6), host: '300.1.1.1', port: 7000 },
      { id: idOf(7), host: '127.0.0.1', port: 0 },
      { id: idOf(8), host: '127.0.0.1', port: 70000 }
    ]
    const out = compactNodes([bad[0], good, ...bad.slice(1)])
    expect(out.equals(expected(idOf(3), [192, 168, 1, 9], 1))).to.equal(true)
    expect(compactNodes(bad).length).to.equal(0)
  })

  it('follows a contact whose endpoint changed since its form was kept', () => {
    const c: Contact = { id: idOf(9), host: '127.0.0.1', port: 5000 }
    expect(compactNodes([c]).equals(expected(idOf(9), [127, 0, 0, 1], 5000))).to.equal(true)
    c.port = 5001
    c.host = '127.0.0.2'
    expect(compactNodes([c]).equals(expected(idOf(9), [127, 0, 0, 2], 5001))).to.equal(true)
  })
})
