// Every answer is verified: a hostile responder (a raw UDP socket speaking KRPC) answers direct
// gets with a bad signature, a wrong value or an oversize value; the reader rejects each one,
// counts it, falls back to a recursive lookup and returns null. Storing nodes refuse the same
// things on put.
import bencode from 'bencode'
import { expect } from 'chai'
import { createSocket, type Socket } from 'node:dgram'
import { encodeCanonical } from '../../chain/bencode.js'
import { keyPairFromSeed, sha256, signHash } from '../../chain/crypto.js'
import type { DhtEngine } from '../../dht/engine.js'
import type { Endpoint } from '../../dht/endpoint.js'
import { Getter } from '../../dht/get.js'
import { TestNet } from '../../dht/testnet.js'
import { mutableTarget, signatureData } from '../../dht/wire.js'
import { waitFor } from '../helpers/wait.js'

type Answer = (target: Uint8Array) => Record<string, unknown>

/** A KRPC responder that answers every `get` with whatever `answer` builds. */
async function hostileResponder (answer: () => Answer): Promise<{ endpoint: Endpoint, close: () => Promise<void> }> {
  const sock: Socket = createSocket('udp4')
  const id = Buffer.alloc(32, 0xee)
  sock.on('message', (buf, rinfo) => {
    try {
      const m = bencode.decode(buf) as { t: Uint8Array, q?: Uint8Array, a?: { target?: Uint8Array } }
      if (m.q === undefined || Buffer.from(m.q).toString() !== 'get' || m.a?.target === undefined) return
      const r = { id, token: Buffer.alloc(32, 1), ...answer()(m.a.target) }
      sock.send(bencode.encode({ t: m.t, y: 'r', r }), rinfo.port, rinfo.address)
    } catch { /* ignore what it cannot parse */ }
  })
  await new Promise<void>(resolve => sock.bind(0, '127.0.0.1', resolve))
  return { endpoint: { host: '127.0.0.1', port: sock.address().port }, close: async () => await new Promise<void>(resolve => sock.close(() => resolve())) }
}

describe('dht answer verification (hostile responder)', function () {
  this.timeout(20_000)
  let net: TestNet
  let reader: DhtEngine
  let getter: Getter
  let hostile: Awaited<ReturnType<typeof hostileResponder>>
  let answer: Answer = () => ({})
  const kp = keyPairFromSeed('hostile-publisher')
  const salt = new TextEncoder().encode('verify-salt')
  const value = encodeCanonical({ h: new Uint8Array(32).fill(3) })
  const wireV = { h: Buffer.alloc(32, 3) }
  const signed = (seq: number, v: Uint8Array): Buffer => Buffer.from(signHash(sha256(signatureData(salt, seq, v)), kp.secretKey))

  before(async () => {
    net = await TestNet.start(4, { keySeed: 'dht-verify' })
    reader = net.engines[3]
    getter = new Getter(reader)
    hostile = await hostileResponder(() => answer)
  })
  after(async () => {
    await hostile?.close()
    await net?.stop()
  })

  const rejectedDelta = async (reason: string, run: () => Promise<unknown>): Promise<{ result: unknown, delta: number }> => {
    const before = reader.stats.rejected[reason] ?? 0
    const result = await run()
    return { result, delta: (reader.stats.rejected[reason] ?? 0) - before }
  }

  it('a correctly signed answer from the same responder is accepted (control)', async () => {
    answer = () => ({ v: wireV, k: Buffer.from(kp.publicKey), seq: 9, sig: signed(9, value) })
    const got = await getter.getMutable(kp.publicKey, salt, { endpoint: hostile.endpoint })
    expect(got?.path).to.equal('direct')
    expect(got?.value).to.deep.equal(value)
  })

  it('rejects a bad signature', async () => {
    const s2 = new TextEncoder().encode('verify-salt-2') // a fresh target: nothing cached anywhere
    answer = () => ({ v: wireV, k: Buffer.from(kp.publicKey), seq: 10, sig: Buffer.alloc(64, 9) })
    const { result, delta } = await rejectedDelta('bad_sig', async () => await getter.getMutable(kp.publicKey, s2, { endpoint: hostile.endpoint }))
    expect(result).to.equal(null)
    expect(delta).to.be.at.least(1)
  })

  it('rejects a validly signed item under another key (wrong target)', async () => {
    const other = keyPairFromSeed('someone-else')
    answer = () => ({ v: wireV, k: Buffer.from(other.publicKey), seq: 9, sig: Buffer.from(signHash(sha256(signatureData(salt, 9, value)), other.secretKey)) })
    const { result, delta } = await rejectedDelta('wrong_target', async () => await getter.getMutable(kp.publicKey, new TextEncoder().encode('verify-salt-3'), { endpoint: hostile.endpoint }))
    expect(result).to.equal(null)
    expect(delta).to.be.at.least(1)
  })

  it('rejects an immutable value whose hash is not the target', async () => {
    answer = () => ({ v: { x: Buffer.from('not what you asked for') } })
    const target = sha256(encodeCanonical({ x: new TextEncoder().encode('what you asked for') }))
    const { result, delta } = await rejectedDelta('wrong_target', async () => await getter.getImmutable(target, { endpoint: hostile.endpoint }))
    expect(result).to.equal(null)
    expect(delta).to.be.at.least(1)
  })

  it('rejects an oversize value, even one that hashes to the target', async () => {
    const big = { x: Buffer.alloc(1200, 5) }
    const target = sha256(encodeCanonical({ x: new Uint8Array(1200).fill(5) }))
    answer = () => ({ v: big })
    // The reply guard (dht/replyGuard.ts) drops such a reply before the library sees it.
    const droppedBefore = reader.stats.dropped.reply_bad_v ?? 0
    const { result } = await rejectedDelta('oversize', async () => await getter.getImmutable(target, { endpoint: hostile.endpoint }))
    expect(result).to.equal(null)
    expect((reader.stats.dropped.reply_bad_v ?? 0) - droppedBefore).to.be.at.least(1)
  })

  it('storing nodes refuse oversize and badly signed puts', async () => {
    const storer = net.engines[1]
    const sock = createSocket('udp4')
    await new Promise<void>(resolve => sock.bind(0, '127.0.0.1', resolve))
    try {
      const query = async (q: string, a: Record<string, unknown>): Promise<Record<string, unknown> | null> => await new Promise(resolve => {
        const t = Buffer.from([0x42, Math.floor(Math.random() * 256)])
        const timer = setTimeout(() => { sock.removeListener('message', on); resolve(null) }, 500)
        const on = (buf: Buffer): void => {
          const m = bencode.decode(buf) as { t: Uint8Array, r?: Record<string, unknown>, e?: unknown }
          if (Buffer.compare(Buffer.from(m.t), t) !== 0) return
          clearTimeout(timer); sock.removeListener('message', on)
          resolve(m.r ?? { error: m.e })
        }
        sock.on('message', on)
        sock.send(bencode.encode({ t, y: 'q', q, a: { id: Buffer.alloc(32, 0xab), ...a } }), storer.endpoint.port, '127.0.0.1')
      })
      const target = Buffer.from(mutableTarget(kp.publicKey, salt))
      const r = await query('get', { target })
      const token = Buffer.from(r?.token as Uint8Array)
      const dropped = (k: string): number => storer.stats.dropped[k] ?? 0
      const before = dropped('v_oversize')
      expect(await query('put', { token, v: { x: Buffer.alloc(1200) } })).to.equal(null) // dropped: no reply
      expect(dropped('v_oversize') - before).to.equal(1)
      const verifies = storer.stats.verifies
      expect(await query('put', { token, v: wireV, k: Buffer.from(kp.publicKey), salt: Buffer.from(salt), seq: 99, sig: Buffer.alloc(64, 1) })).to.equal(null)
      expect(storer.stats.verifies).to.be.greaterThan(verifies) // it was checked, and refused
      expect(storer.storedValue(target)?.seq ?? 0).to.not.equal(99)
    } finally {
      sock.close()
    }
  })

  it('rate-limits puts per source', async () => {
    const storer = net.engines[2]
    const sock = createSocket('udp4')
    await new Promise<void>(resolve => sock.bind(0, '127.0.0.1', resolve))
    try {
      const before = storer.stats.dropped.rate_limited ?? 0
      const put = bencode.encode({ t: Buffer.from('rl'), y: 'q', q: 'put', a: { id: Buffer.alloc(32, 1), token: Buffer.alloc(32, 2), v: { a: 1 } } })
      for (let i = 0; i < 400; i++) {
        sock.send(put, storer.endpoint.port, '127.0.0.1')
        if (i % 25 === 24) await new Promise(resolve => setImmediate(resolve)) // let the node read its socket
      }
      await waitFor(() => (storer.stats.dropped.rate_limited ?? 0) - before >= 100, { timeoutMs: 5000, what: 'rate-limited puts', describe: () => JSON.stringify(storer.stats.snapshot().dropped) })
    } finally {
      sock.close()
    }
  })
})
