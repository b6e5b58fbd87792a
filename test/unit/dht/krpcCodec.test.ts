// The KRPC transport's codec (dht/krpcDecode.ts, dht/krpcEncode.ts): what the library expects
// comes out, every malformed datagram gives a coded reason and never a throw, and what goes out
// is canonical bencode.
import bencode from 'bencode'
import { expect } from 'chai'
import { KRPC_MAX_DATAGRAM_BYTES, KRPC_MAX_DEPTH } from '../../../dht/constants.js'
import { decodeKrpc } from '../../../dht/krpcDecode.js'
import { Bencoded, encodeKrpc, KrpcEncodeError } from '../../../dht/krpcEncode.js'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const reason = (buf: Buffer): string => { const d = decodeKrpc(buf); return d.ok ? 'ok' : d.reason }

/** xorshift32, seeded: a failing input can be replayed. */
function rng (seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x100000000 }
}

describe('dht/krpc codec', () => {
  it('decodes a query into Buffers, numbers, lists and plain dicts, as the library reads them', () => {
    const id = Buffer.alloc(32, 7)
    const wire = Buffer.from(bencode.encode({ t: b('aa'), y: 'q', q: 'put', a: { id, seq: 42, v: { l: [1, b('x')], n: -3 } } }))
    const d = decodeKrpc(wire)
    expect(d.ok).to.equal(true)
    if (!d.ok) return
    const a = d.msg.a as Record<string, unknown>
    expect(Buffer.isBuffer(d.msg.t) && Buffer.isBuffer(d.msg.q) && Buffer.isBuffer(a.id)).to.equal(true)
    expect((a.id as Buffer).equals(id)).to.equal(true)
    expect(a.seq).to.equal(42)
    expect(Object.getPrototypeOf(a)).to.equal(Object.prototype)
    const v = a.v as { l: unknown[], n: number }
    expect(v.l[0]).to.equal(1)
    expect(Buffer.from(v.l[1] as Buffer).toString()).to.equal('x')
    expect(v.n).to.equal(-3)
  })

  it('drops each kind of malformed datagram with its own reason', () => {
    const good = Buffer.from(bencode.encode({ t: b('aa'), y: 'q', q: 'ping', a: { id: Buffer.alloc(32) } }))
    expect(reason(good)).to.equal('ok')
    expect(reason(good.subarray(0, good.length - 1))).to.equal('krpc_truncated')
    expect(reason(good.subarray(0, 20))).to.equal('krpc_truncated')
    expect(reason(Buffer.alloc(0))).to.equal('krpc_truncated')
    expect(reason(b('d1:t99:aae'))).to.equal('krpc_truncated') // a length past the end
    expect(reason(b('li1ee'))).to.equal('krpc_not_dict')
    expect(reason(b('4:spam'))).to.equal('krpc_not_dict')
    expect(reason(Buffer.concat([good, b('x')]))).to.equal('krpc_trailing')
    expect(reason(b('d1:ti1.5ee'))).to.equal('krpc_bad_int')
    expect(reason(b('d1:tiee'))).to.equal('krpc_bad_int')
    expect(reason(b('d1:ti12345678901234567ee'))).to.equal('krpc_bad_int') // past 2^53
    expect(reason(b('d1:tx1:ae'))).to.equal('krpc_bad_token')
    expect(reason(b('di1ei2ee'))).to.equal('krpc_bad_key') // a key that is not a byte string
    expect(reason(b('d9:__proto__d1:xi1eee'))).to.equal('krpc_bad_key')
    expect(reason(b('d1:t-1:ae'))).to.equal('krpc_bad_token')
    expect(reason(b(`d1:v${'l'.repeat(KRPC_MAX_DEPTH + 1)}${'e'.repeat(KRPC_MAX_DEPTH + 1)}e`))).to.equal('krpc_too_deep')
    expect(reason(b(`d1:v${'l'.repeat(KRPC_MAX_DEPTH - 1)}${'e'.repeat(KRPC_MAX_DEPTH - 1)}e`))).to.equal('ok')
    const big = Buffer.from(bencode.encode({ t: b('aa'), y: 'q', q: 'put', a: { v: Buffer.alloc(KRPC_MAX_DATAGRAM_BYTES) } }))
    expect(reason(big)).to.equal('krpc_oversize')
  })

  it('never throws on 20,000 random and mutated datagrams', () => {
    const r = rng(0xBADC0DE)
    const seed = Buffer.from(bencode.encode({ t: b('aa'), y: 'r', r: { id: Buffer.alloc(32, 1), nodes: Buffer.alloc(38), v: { p: Buffer.alloc(40) } } }))
    const reasons = new Set<string>()
    for (let i = 0; i < 20_000; i++) {
      let buf: Buffer
      if (i % 2 === 0) {
        buf = Buffer.from(Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256)))
        if (i % 4 === 0 && buf.length > 0) buf[0] = 0x64 // starts like a dict
      } else {
        buf = Buffer.from(seed)
        for (let j = 0; j < 3; j++) buf[Math.floor(r() * buf.length)] = Math.floor(r() * 256)
      }
      reasons.add(reason(buf))
    }
    expect(reasons.size).to.be.greaterThan(4)
  })

  it('encodes canonical bencode with sorted keys, leaving out null and undefined entries', () => {
    const msg = { y: 'r', t: Buffer.from([0, 1]), r: { z: 1, id: Buffer.alloc(32, 3), a: [b('x'), 7, { k: 'é' }], none: undefined, gone: null }, ip: new Uint8Array([127, 0, 0, 1, 0x1a, 0xe1]) }
    const out = encodeKrpc(msg)
    const { none: _n, gone: _g, ...r } = msg.r
    expect(out.equals(Buffer.from(bencode.encode({ ...msg, r })))).to.equal(true)
    expect(Buffer.from(bencode.encode(bencode.decode(out))).equals(out)).to.equal(true)
    const back = decodeKrpc(out)
    expect(back.ok).to.equal(true)
  })

  it('orders the keys of 2,000 random dicts (up to 40 keys: both sorts) as the library\'s encoder does, absent entries left out', () => {
    const r = rng(0x5eed)
    const int = (n: number): number => Math.floor(r() * n)
    const alphabet = ['a', 'b', 'id', 'ip', 't', 'y', 'r', 'v', 'seq', 'sig', 'k', 'token', 'nodes', 'é', 'Z', '_', '0', 'aa', 'c', 'd', 'e', 'f', 'g', 'h']
    for (let i = 0; i < 2000; i++) {
      const d: Record<string, unknown> = {}
      const kept: Record<string, unknown> = {}
      for (let n = int(i % 2 === 0 ? 10 : 40); n > 0; n--) {
        const k = alphabet[int(alphabet.length)] + (r() < 0.3 ? alphabet[int(alphabet.length)] : '')
        const v = r() < 0.15 ? undefined : r() < 0.1 ? null : int(1000)
        d[k] = v
        if (v === undefined || v === null) delete kept[k]
        else kept[k] = v
      }
      expect(encodeKrpc({ d }).equals(Buffer.from(bencode.encode({ d: kept }))), JSON.stringify(d)).to.equal(true)
    }
  })

  it('writes pre-encoded bytes (Bencoded) as they are, as if their value had been given', () => {
    const v = { b: Buffer.from('payload'), a: 42, l: [Buffer.from('x')] }
    const raw = Buffer.from(bencode.encode(v))
    const reply = (value: unknown): Record<string, unknown> => ({ t: Buffer.from([0, 9]), y: 'r', r: { id: Buffer.alloc(32, 1), v: value, token: Buffer.alloc(4, 2) } })
    const out = encodeKrpc(reply(new Bencoded(raw)))
    expect(out.equals(encodeKrpc(reply(v)))).to.equal(true)
    const back = decodeKrpc(out)
    expect(back.ok && Buffer.from(bencode.encode((back.msg.r as Record<string, unknown>).v)).equals(raw)).to.equal(true)
  })

  it('refuses what cannot go on the wire with a coded error', () => {
    expect(() => encodeKrpc({ a: 1.5 })).to.throw(KrpcEncodeError).with.property('code', 'DHT_KRPC_ENCODE')
    expect(() => encodeKrpc({ a: () => 1 })).to.throw(KrpcEncodeError)
    const loop: Record<string, unknown> = {}
    loop.self = loop
    expect(() => encodeKrpc(loop)).to.throw(KrpcEncodeError)
  })
})
