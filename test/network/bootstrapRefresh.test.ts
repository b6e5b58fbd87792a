// Bootstrap host names resolved again while a node runs (node/ops/bootstrapRefresh.ts), on real DHT
// engines on 127.0.0.1: a node that started alone finds its peer by the name `localhost` once the
// peer answers, and a round with nothing new adds nobody.
import { expect } from 'chai'
import { DhtEngine } from '../../dht/engine.js'
import { BootstrapRefresher } from '../../node/ops/bootstrapRefresh.js'

describe('bootstrap host names, resolved again while running', function () {
  this.timeout(20_000)
  const engines: DhtEngine[] = []
  afterEach(async () => { for (const e of engines.splice(0)) await e.stop() })

  it('adds the named peer when the table is empty, and only when needed after that', async () => {
    const seed = new DhtEngine({ queryTimeoutMs: 1000 })
    const alone = new DhtEngine({ queryTimeoutMs: 1000 })
    engines.push(seed, alone)
    const seedEp = await seed.start()
    await alone.start()
    expect(alone.nodeCount()).to.equal(0)
    const r = new BootstrapRefresher([{ host: 'localhost', port: seedEp.port }, { host: '127.0.0.1', port: 9 }], alone, undefined, 60_000)
    expect(r.active).to.equal(true)
    expect(await r.tick()).to.equal(1)
    expect(alone.nodeCount()).to.be.greaterThan(0)
    // Same address, peers in the table: nothing to do.
    expect(await r.tick()).to.equal(0)
    // Address entries alone are never refreshed (the DHT keeps them itself).
    expect(new BootstrapRefresher([{ host: '127.0.0.1', port: seedEp.port }], alone).active).to.equal(false)
  })
})
