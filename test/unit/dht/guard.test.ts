import { expect } from 'chai'
import { checkQuery } from '../../../dht/guard.js'
import { RateLimiter } from '../../../dht/ratelimit.js'
import { canonicalOf, measureValue, signatureData } from '../../../dht/wire.js'
import { encodeCanonical } from '../../../chain/bencode.js'

const b = (n: number, fill = 1): Buffer => Buffer.alloc(n, fill)
const q = (name: string, a: Record<string, unknown>): Record<string, unknown> => ({ t: b(2), y: b(1), q: Buffer.from(name), a: { id: b(32), ...a } })
const reason = (m: unknown): string => {
  const c = checkQuery(m as Parameters<typeof checkQuery>[0])
  return c.ok ? 'OK' : c.reason
}
const deep = (n: number): unknown => { let x: unknown = b(1); for (let i = 0; i < n; i++) x = [x]; return x }

describe('dht/guard', () => {
  it('passes well-formed queries of every kind', () => {
    expect(reason(q('ping', {}))).to.equal('OK')
    expect(reason(q('find_node', { target: b(32) }))).to.equal('OK')
    expect(reason(q('get', { target: b(32) }))).to.equal('OK')
    expect(reason(q('get_peers', { info_hash: b(32) }))).to.equal('OK')
    expect(reason(q('announce_peer', { info_hash: b(32), token: b(32), port: 6881 }))).to.equal('OK')
    expect(reason(q('put', { token: b(32), v: { a: 1 } }))).to.equal('OK')
    expect(reason(q('put', { token: b(32), v: { a: b(900) }, k: b(32), sig: b(64), seq: 5, salt: b(30), cas: 4 }))).to.equal('OK')
  })

  it('drops malformed envelopes', () => {
    expect(reason(null)).to.equal('not_dict')
    expect(reason(5)).to.equal('not_dict')
    expect(reason({ ...q('ping', {}), t: 5 })).to.equal('bad_tid')
    expect(reason({ ...q('ping', {}), t: b(17) })).to.equal('bad_tid')
    expect(reason({ ...q('ping', {}), q: 5 })).to.equal('bad_q')
    expect(reason({ ...q('ping', {}), q: { x: 1 } })).to.equal('bad_q')
    expect(reason(q('vote', {}))).to.equal('unknown_query')
    expect(reason({ ...q('ping', {}), a: [1] })).to.equal('bad_args')
    expect(reason({ ...q('ping', {}), a: b(3) })).to.equal('bad_args')
    expect(reason({ ...q('ping', {}), a: { id: b(20) } })).to.equal('bad_id')
  })

  it('drops every field of the wrong type or size (the packets that crash bittorrent-dht)', () => {
    expect(reason(q('get', { target: 5 }))).to.equal('bad_target')
    expect(reason(q('get', { target: { x: 1 } }))).to.equal('bad_target')
    expect(reason(q('get', { target: deep(5000) }))).to.equal('bad_target')
    expect(reason(q('find_node', { target: 7 }))).to.equal('bad_target')
    expect(reason(q('get_peers', { info_hash: 7 }))).to.equal('bad_info_hash')
    expect(reason(q('announce_peer', { info_hash: b(32), token: 5 }))).to.equal('bad_token')
    expect(reason(q('put', { token: 5, v: { a: 1 } }))).to.equal('bad_token')
    expect(reason(q('put', { token: b(65), v: { a: 1 } }))).to.equal('bad_token')
    expect(reason(q('put', { token: b(32) }))).to.equal('missing_v')
    expect(reason(q('put', { token: b(32), v: { a: 1 }, k: 5, sig: b(64), seq: 1 }))).to.equal('bad_k')
    expect(reason(q('put', { token: b(32), v: { a: 1 }, sig: b(64), seq: 1 }))).to.equal('bad_k')
    expect(reason(q('put', { token: b(32), v: { a: 1 }, k: b(32), sig: b(63), seq: 1 }))).to.equal('bad_sig')
    for (const seq of [-1, 1.5, 2 ** 53, b(1), undefined]) {
      expect(reason(q('put', { token: b(32), v: { a: 1 }, k: b(32), sig: b(64), seq }))).to.equal('bad_seq')
    }
    expect(reason(q('put', { token: b(32), v: { a: 1 }, k: b(32), sig: b(64), seq: 1, salt: b(65) }))).to.equal('bad_salt')
    expect(reason(q('put', { token: b(32), v: { a: 1 }, k: b(32), sig: b(64), seq: 1, salt: 3 }))).to.equal('bad_salt')
    expect(reason(q('put', { token: b(32), v: { a: 1 }, k: b(32), sig: b(64), seq: 1, cas: -1 }))).to.equal('bad_cas')
  })

  it('measures v exactly, including dict and list values, and refuses oversize, deep and odd values', () => {
    const v = { x: [b(10), 7, { y: b(0) }], a: 123 }
    const m = measureValue(v)
    expect(m).to.deep.equal({ ok: true, bytes: encodeCanonical(v as never).length })
    expect(reason(q('put', { token: b(32), v: { a: b(995) } }))).to.equal('v_oversize') // 1001 bytes
    expect(reason(q('put', { token: b(32), v: { l: Array.from({ length: 400 }, () => 1) } }))).to.equal('v_oversize')
    expect(reason(q('put', { token: b(32), v: { d: deep(9) } }))).to.equal('v_too_deep')
    expect(reason(q('put', { token: b(32), v: { n: -1 } }))).to.equal('v_bad_type')
    expect(reason(q('put', { token: b(32), v: b(10) }))).to.equal('v_not_dict')
    const spoofed = Object.create(Buffer.prototype) as object
    expect(reason(q('put', { token: b(32), v: { s: spoofed } }))).to.equal('v_bad_type')
    expect(reason(q('get', { target: spoofed }))).to.equal('bad_target')
  })

  it('re-encodes wire values canonically (keys sorted by bytes)', () => {
    const c = canonicalOf({ b: 1, a: Buffer.from('x') })
    expect(c.ok && Buffer.from(c.bytes).toString()).to.equal('d1:a1:x1:bi1ee')
  })

  it('builds BEP44 signature data like bittorrent-dht does', () => {
    const v = encodeCanonical({ h: b(2) })
    expect(Buffer.from(signatureData(Buffer.from('salt!'), 42, v)).toString('latin1'))
      .to.equal('4:salt5:salt!3:seqi42e1:vd1:h2:\x01\x01e')
  })
})

describe('dht/ratelimit', () => {
  it('allows a burst, then the sustained rate, per source', () => {
    let now = 0
    const rl = new RateLimiter(10, 5, 100, () => now)
    const burst = Array.from({ length: 8 }, () => rl.take('a'))
    expect(burst.filter(Boolean).length).to.equal(5)
    expect(rl.take('b')).to.equal(true) // other sources have their own bucket
    now += 1000
    expect(Array.from({ length: 20 }, () => rl.take('a')).filter(Boolean).length).to.equal(5) // refilled to the burst cap
    now += 100
    expect(rl.take('a')).to.equal(true)
    expect(rl.take('a')).to.equal(false)
  })

  it('tracks a bounded number of sources', () => {
    const rl = new RateLimiter(1, 1, 3, () => 0)
    for (const s of ['a', 'b', 'c', 'd']) rl.take(s)
    expect(rl.sources).to.equal(3)
    expect(rl.take('a')).to.equal(true) // forgotten, so it starts with a full bucket again
  })
})
