// External endpoint discovery and link emulation on real UDP DHT engines (127.0.0.1): every
// response carries BEP 42's `ip`, each engine adopts the endpoint its peers agree on, an engine
// bound to 0.0.0.0 learns its reachable address, and an emulated link really delays and drops.
import { expect } from 'chai'
import { DhtEngine } from '../../dht/engine.js'
import { TestNet } from '../../dht/testnet.js'
import { waitFor } from '../helpers/wait.js'

describe('dht external endpoint (BEP 42) and link emulation', function () {
  this.timeout(30_000)
  let net: TestNet
  const extra: DhtEngine[] = []

  before(async () => { net = await TestNet.start(6, { keySeed: 'dht-external' }) })
  after(async () => {
    await Promise.all(extra.map(async e => await e.stop()))
    await net?.stop()
  })

  it('every engine adopts the endpoint its peers see, counted by distinct ip:port on loopback', async () => {
    // Lookups make every engine query and answer several others; repeated while we wait.
    await waitFor(async () => {
      await Promise.all(net.engines.map(async e => await e.recursiveGet(e.nodeId)))
      return net.engines.every(e => e.external.adopted() !== undefined)
    }, {
      timeoutMs: 15_000, intervalMs: 200, what: 'every engine to adopt an endpoint',
      describe: () => net.engines.map(e => JSON.stringify(e.external.view())).join('\n')
    })
    for (const e of net.engines) {
      expect(e.external.adopted()).to.deep.equal(e.endpoint)
      expect(e.external.view()).to.include({ countedBy: 'endpoint', refused: 0 })
      expect(e.external.view().agreeing).to.be.at.least(3)
    }
  })

  it('an engine bound to 0.0.0.0 learns the address its peers reach it on', async () => {
    const e = await net.add(net.seeds(), { host: '0.0.0.0' })
    extra.push(e)
    expect(e.endpoint.host).to.equal('0.0.0.0')
    await waitFor(async () => {
      await e.recursiveGet(e.nodeId)
      return e.external.adopted() !== undefined
    }, { timeoutMs: 15_000, intervalMs: 200, what: 'the 0.0.0.0 engine to learn its endpoint', describe: () => JSON.stringify(e.external.view()) })
    expect(e.external.adopted()).to.deep.equal({ host: '127.0.0.1', port: e.endpoint.port })
  })

  it('an emulated link delays every outgoing query by its latency and 50 % loss loses replies', async () => {
    const slow = new DhtEngine({ bootstrap: net.seeds(), link: { latencyMs: 150, jitterMs: 0, lossPct: 0 } })
    extra.push(slow)
    await slow.start()
    const target = net.engines[3].endpoint
    const rtts: number[] = []
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now()
      expect(await slow.directGet(target, net.engines[3].nodeId, 2000)).to.not.equal(null)
      rtts.push(Date.now() - t0)
    }
    // Only the outgoing query waits (the peer's link is real): ≥ 150 ms, and well under a timeout.
    for (const r of rtts) expect(r).to.be.within(145, 1500)
    expect(slow.link?.view()).to.include({ emulated: true, latencyMs: 150, dropped: 0 })

    // A far link to one peer only ("two continents"): that peer answers late, another one does not.
    const split = new DhtEngine({ bootstrap: net.seeds(), link: { latencyMs: 0, jitterMs: 0, lossPct: 0, far: { endpoints: [`${target.host}:${target.port}`], latencyMs: 300, jitterMs: 0, lossPct: 0 } } })
    extra.push(split)
    await split.start()
    const near = net.engines[4].endpoint
    let t0 = Date.now()
    expect(await split.directGet(target, net.engines[3].nodeId, 2000)).to.not.equal(null)
    expect(Date.now() - t0).to.be.at.least(290)
    t0 = Date.now()
    expect(await split.directGet(near, net.engines[4].nodeId, 2000)).to.not.equal(null)
    expect(Date.now() - t0).to.be.below(290)

    const lossy = new DhtEngine({ bootstrap: net.seeds(), link: { latencyMs: 0, jitterMs: 0, lossPct: 50 } })
    extra.push(lossy)
    await lossy.start()
    let answered = 0
    const tries = 40
    for (let i = 0; i < tries; i++) {
      if (await lossy.directGet(target, net.engines[3].nodeId, 300) !== null) answered++
    }
    const v = lossy.link!.view()
    expect(v.dropped).to.be.greaterThan(0)
    expect(answered).to.be.within(5, tries - 5) // about half: neither all nor none
  })
})
