// Link emulation (dht/link.ts): delay within latency ± jitter, loss at the given rate, bad options refused.
import { expect } from 'chai'
import { createSocket } from 'node:dgram'
import { LinkEmulator } from '../../../dht/link.js'
import { isDhtError } from '../../../dht/errors.js'

/** A small deterministic generator (mulberry32), so the rates below are exact for a seed. */
function seeded (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('dht link emulation', () => {
  it('delays within latency ± jitter and drops about lossPct of datagrams', () => {
    const link = new LinkEmulator({ latencyMs: 80, jitterMs: 20, lossPct: 2, random: seeded(7) })
    let lost = 0
    let min = Infinity
    let max = -Infinity
    const n = 20_000
    for (let i = 0; i < n; i++) {
      const d = link.decide()
      if (d === null) { lost++; continue }
      min = Math.min(min, d)
      max = Math.max(max, d)
    }
    expect(min).to.be.at.least(60)
    expect(max).to.be.at.most(100)
    expect(max - min).to.be.at.least(35) // the jitter really spreads the delays
    expect(lost / n).to.be.within(0.015, 0.025)
  })

  it('no jitter: every datagram waits exactly the latency (order kept); no loss: none dropped', () => {
    const link = new LinkEmulator({ latencyMs: 50, jitterMs: 0, lossPct: 0, random: seeded(1) })
    for (let i = 0; i < 1000; i++) expect(link.decide()).to.equal(50)
  })

  it('uses the far link for the listed peers only ("two continents")', () => {
    const link = new LinkEmulator({ latencyMs: 10, jitterMs: 0, lossPct: 0, far: { endpoints: ['10.0.0.2:7000'], latencyMs: 150, jitterMs: 0, lossPct: 0 } })
    expect(link.decide('10.0.0.2:7000')).to.equal(150)
    expect(link.decide('10.0.0.2:7001')).to.equal(10)
    expect(link.decide('10.0.0.3:7000')).to.equal(10)
    expect(link.view().far).to.deep.equal({ latencyMs: 150, jitterMs: 0, lossPct: 0, peers: 1 })
    expect(() => new LinkEmulator({ latencyMs: 10, jitterMs: 0, lossPct: 0, far: { endpoints: [], latencyMs: 5, jitterMs: 9, lossPct: 0 } }))
      .to.throw().that.satisfies((e: unknown) => isDhtError(e, 'DHT_BAD_LINK'))
  })

  it('refuses jitter above latency, negative or huge values, with DHT_BAD_LINK', () => {
    for (const o of [{ latencyMs: 10, jitterMs: 20, lossPct: 0 }, { latencyMs: -1, jitterMs: 0, lossPct: 0 },
      { latencyMs: 10, jitterMs: 0, lossPct: 90 }, { latencyMs: Number.NaN, jitterMs: 0, lossPct: 0 }, { latencyMs: 1e9, jitterMs: 0, lossPct: 0 }]) {
      expect(() => new LinkEmulator(o)).to.throw().that.satisfies((e: unknown) => isDhtError(e, 'DHT_BAD_LINK'))
    }
  })

  it('delays real datagrams on a socket and keeps their order without jitter', async function () {
    this.timeout(5000)
    const rx = createSocket('udp4')
    const tx = createSocket('udp4')
    try {
      await new Promise<void>(resolve => rx.bind(0, '127.0.0.1', resolve))
      await new Promise<void>(resolve => tx.bind(0, '127.0.0.1', resolve))
      const link = new LinkEmulator({ latencyMs: 120, jitterMs: 0, lossPct: 0 })
      link.install(tx)
      const got: Array<{ n: number, ms: number }> = []
      const t0 = Date.now()
      const all = new Promise<void>(resolve => rx.on('message', b => { got.push({ n: b[0], ms: Date.now() - t0 }); if (got.length === 5) resolve() }))
      for (let i = 0; i < 5; i++) tx.send(Buffer.from([i]), 0, 1, rx.address().port, '127.0.0.1')
      expect(link.view().held).to.equal(5)
      await all
      expect(got.map(g => g.n)).to.deep.equal([0, 1, 2, 3, 4])
      for (const g of got) expect(g.ms).to.be.at.least(110)
      expect(link.view()).to.include({ delayed: 5, dropped: 0, held: 0 })
    } finally {
      rx.close()
      tx.close()
    }
  })
})
