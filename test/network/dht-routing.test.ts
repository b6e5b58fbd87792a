// The routing table (and node id) is saved to the data dir on stop and reloaded on start, so a
// node restarted with no bootstrap list at all rejoins through the peers it knew.
import { expect } from 'chai'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeCanonical } from '../../chain/bencode.js'
import { toHex } from '../../chain/hex.js'
import { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'
import { Putter } from '../../dht/put.js'
import { ROUTING_FILE } from '../../dht/routing.js'
import { TestNet } from '../../dht/testnet.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

describe('dht routing table persistence', function () {
  this.timeout(20_000)
  let net: TestNet
  let dir: string
  let restarted: DhtEngine | undefined

  before(async () => {
    dir = makeTmpDir('tau-dht-routing-')
    net = await TestNet.start(6, { keySeed: 'dht-routing' })
  })
  after(async () => {
    await restarted?.stop()
    await net?.stop()
    removeDir(dir)
  })

  it('saves on stop and reloads on start (same id, live peers only)', async () => {
    const first = await net.add(undefined, { dataDir: dir })
    await waitFor(() => first.nodeCount() >= 4, { timeoutMs: 5000, what: 'a populated table', describe: () => `table=${first.nodeCount()}` })
    const id = toHex(first.nodeId)
    const known = first.nodeCount()
    await first.stop()

    const file = join(dir, ROUTING_FILE)
    expect(existsSync(file)).to.equal(true)
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { id: string, nodes: unknown[] }
    expect(saved.id).to.equal(id)
    expect(saved.nodes.length).to.equal(known)

    await net.engines[1].stop() // one saved peer is now dead: it must not come back into the table
    restarted = new DhtEngine({ dataDir: dir }) // no bootstrap list at all
    await restarted.start()
    expect(toHex(restarted.nodeId)).to.equal(id)
    expect(restarted.nodeCount()).to.equal(known - 1)

    const put = new Putter(net.engines[2]).putImmutable(encodeCanonical({ rejoined: new Uint8Array([1, 2]) }))
    expect((await put.done).ok).to.equal(true)
    const got = await new Getter(restarted).getImmutable(put.target)
    expect(got?.value).to.deep.equal(encodeCanonical({ rejoined: new Uint8Array([1, 2]) }))
  })

  it('a missing or corrupt routing file means a fresh start, not a failure', async () => {
    const empty = makeTmpDir('tau-dht-routing-empty-')
    try {
      for (const content of [undefined, '{"id": 5, "nodes": "no"', '{"version":1,"id":"zz","nodes":[{"id":"00","host":"::1","port":0}]}']) {
        if (content !== undefined) writeFileSync(join(empty, ROUTING_FILE), content)
        const e = new DhtEngine({ dataDir: empty })
        await e.start()
        expect(e.nodeCount()).to.equal(0)
        await e.stop()
      }
    } finally {
      removeDir(empty)
    }
  })
})
