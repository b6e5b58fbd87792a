// Engine lifecycle on real sockets: explicit loopback bind, OS-assigned ports, refusal of a port in
// use, and no hanging promises on stop (bittorrent-dht never calls back after destroy()).
import { expect } from 'chai'
import { createSocket } from 'node:dgram'
import { encodeCanonical } from '../../chain/bencode.js'
import { keyPairFromSeed, sha256 } from '../../chain/crypto.js'
import { DhtEngine } from '../../dht/engine.js'
import { DhtError } from '../../dht/errors.js'
import { Getter } from '../../dht/get.js'
import { Putter } from '../../dht/put.js'

async function codeOf (p: Promise<unknown> | (() => unknown)): Promise<string> {
  try { await (typeof p === 'function' ? p() : p) } catch (e) { expect(e).to.be.instanceOf(DhtError); return (e as DhtError).code }
  return 'OK'
}

describe('dht engine lifecycle', function () {
  this.timeout(10_000)

  it('binds 127.0.0.1 on an OS-assigned port and reports it; start twice and stop twice are safe', async () => {
    const e = new DhtEngine()
    const ep = await e.start()
    try {
      expect(ep.host).to.equal('127.0.0.1')
      expect(ep.port).to.be.greaterThan(0)
      expect(e.endpoint).to.deep.equal(ep)
      expect(e.nodeId.length).to.equal(32)
      expect(await codeOf(e.start())).to.equal('DHT_ALREADY_STARTED')
    } finally {
      await e.stop()
      await e.stop()
    }
    expect(e.running).to.equal(false)
    expect(await codeOf(() => e.endpoint)).to.equal('DHT_NOT_STARTED')
    expect(await codeOf(new Getter(e).getImmutable(new Uint8Array(32)))).to.equal('DHT_NOT_STARTED')
  })

  it('a stop during start ends the start with an error, never a hang', async () => {
    for (const delay of [0, 1]) {
      const e = new DhtEngine({ queryTimeoutMs: 200, bootstrap: [{ host: '127.0.0.1', port: 9 }] })
      const started = e.start()
      if (delay > 0) await new Promise(resolve => setImmediate(resolve))
      await e.stop()
      expect(await codeOf(started)).to.be.oneOf(['DHT_LISTEN_FAILED', 'DHT_NOT_STARTED'])
      expect(e.running).to.equal(false)
    }
  })

  it('refuses a port in use with DHT_LISTEN_FAILED', async () => {
    const a = new DhtEngine()
    const ep = await a.start()
    try {
      expect(await codeOf(new DhtEngine({ port: ep.port }).start())).to.equal('DHT_LISTEN_FAILED')
    } finally {
      await a.stop()
    }
  })

  it('resolves pending gets with null and pending puts as failed when stopped', async () => {
    const silent = createSocket('udp4') // swallows every query
    await new Promise<void>(resolve => silent.bind(0, '127.0.0.1', resolve))
    const e = new DhtEngine({ keyPair: keyPairFromSeed('lifecycle'), queryTimeoutMs: 200, bootstrap: [{ host: '127.0.0.1', port: silent.address().port }] })
    await e.start()
    try {
      const getter = new Getter(e)
      const misses: unknown[] = []
      getter.onMiss(t => misses.push(t))
      const gets = [
        getter.getImmutable(sha256(new Uint8Array([1])), { endpoint: { host: '127.0.0.1', port: silent.address().port } }),
        getter.getMutable(e.keyPair!.publicKey, new Uint8Array([1, 2, 3]))
      ]
      const put = new Putter(e).putImmutable(encodeCanonical({ a: 1 }))
      await new Promise(resolve => setImmediate(resolve))
      const t0 = Date.now()
      await e.stop()
      expect(await Promise.all(gets)).to.deep.equal([null, null])
      expect(await put.done).to.deep.include({ ok: false, code: 'DHT_STOPPED' })
      expect(Date.now() - t0).to.be.lessThan(500)
      expect(misses).to.deep.equal([]) // stopping is not a miss
    } finally {
      await e.stop()
      silent.close()
    }
  })

  it('rejects invalid put input at once', async () => {
    const e = new DhtEngine()
    await e.start()
    try {
      const p = new Putter(e)
      expect(await codeOf(() => p.putImmutable(new Uint8Array([1, 2])))).to.equal('DHT_BAD_VALUE')
      expect(await codeOf(() => p.putImmutable(encodeCanonical([1] as never)))).to.equal('DHT_BAD_VALUE') // not a dict
      expect(await codeOf(() => p.putImmutable(encodeCanonical({ a: new Uint8Array(1000) })))).to.equal('DHT_BAD_VALUE')
      expect(await codeOf(() => p.putMutable({ salt: new Uint8Array(1), value: encodeCanonical({ a: 1 }), seq: 1 }))).to.equal('DHT_NO_KEY')
      const kp = keyPairFromSeed('k')
      expect(await codeOf(() => p.putMutable({ keyPair: kp, salt: new Uint8Array(65), value: encodeCanonical({ a: 1 }), seq: 1 }))).to.equal('DHT_BAD_SALT')
      expect(await codeOf(() => p.putMutable({ keyPair: kp, salt: new Uint8Array(1), value: encodeCanonical({ a: 1 }), seq: -1 }))).to.equal('DHT_BAD_SEQ')
      p.putMutable({ keyPair: kp, salt: new Uint8Array(1), value: encodeCanonical({ a: 1 }), seq: 5 })
      expect(await codeOf(() => p.putMutable({ keyPair: kp, salt: new Uint8Array(1), value: encodeCanonical({ a: 2 }), seq: 5 }))).to.equal('DHT_BAD_SEQ')
    } finally {
      await e.stop()
    }
  })
})
