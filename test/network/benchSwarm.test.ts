// The libtorrent bench's process topology (scripts/bench/libtorrent/swarm.ts): engines in real
// child processes on 127.0.0.1, driven over IPC. An item put through one process is read back
// through another, a mutable item's first value and its end both check, a wrong value is refused,
// CPU and datagrams are summed over the processes, and a bad split or knob is refused.
import { expect } from 'chai'
import { keyPairFromSeed } from '../../chain/crypto.js'
import { oursProcesses } from '../../scripts/bench/dht.libtorrent.bench.js'
import { OURS_PROCESSES_DEFAULT } from '../../scripts/bench/libtorrent/constants.js'
import { payloadOf } from '../../scripts/bench/libtorrent/ours.js'
import { ProcSwarm, startSwarm, type Swarm } from '../../scripts/bench/libtorrent/swarm.js'

describe('bench: our DHT swarm in child processes', function () {
  this.timeout(180_000)
  let swarm: Swarm | undefined

  after(async () => { await swarm?.stop() })

  it('puts in one process and gets from another, counting every process', async () => {
    swarm = await startSwarm(6, 3, 'bench-swarm-test')
    expect(swarm.topology).to.equal('3 processes x 2 engines')
    const c0 = await swarm.counters()
    const value = payloadOf(256)
    const put = await swarm.op({ kind: 'putImmutable', node: 0, value })
    expect(put.ok).to.equal(true)
    expect(put.latMs).to.be.greaterThan(0)
    expect((await swarm.op({ kind: 'getImmutable', node: 5, value })).ok).to.equal(true)
    // A value nobody stored is not found (the get checks what it reads).
    expect((await swarm.op({ kind: 'getImmutable', node: 3, value: payloadOf(256) })).ok).to.equal(false)

    const keyPair = keyPairFromSeed('bench-swarm-test-key')
    const salt = new TextEncoder().encode('s1')
    const mv = payloadOf(256)
    expect((await swarm.op({ kind: 'putMutable', node: 2, salt, value: mv, keyPair })).ok).to.equal(true)
    const got = await swarm.op({ kind: 'getMutable', node: 4, k: keyPair.publicKey, salt, value: mv })
    expect(got.ok).to.equal(true)
    expect(got.firstMs).to.be.a('number')
    expect(got.firstMs ?? Infinity).to.be.at.most(got.latMs)
    expect((await swarm.op({ kind: 'getMutable', node: 1, k: keyPair.publicKey, salt, value: payloadOf(256) })).ok).to.equal(false)

    const c1 = await swarm.counters()
    expect(c1.cpuMs).to.be.greaterThan(c0.cpuMs)
    // A put alone is a lookup and stores: datagrams from more than the putter's process.
    expect(c1.packetsOut - c0.packetsOut).to.be.greaterThan(10)
    expect(c1.verifies).to.be.greaterThan(c0.verifies)
    await swarm.stop()
    swarm = undefined
  })

  it('refuses a split that does not divide the engines, and a bad knob falls back to the default', async () => {
    let err: Error | undefined
    try { await ProcSwarm.start(16, 3, 'x') } catch (e) { err = e as Error }
    expect(err).to.be.instanceOf(RangeError)
    expect(oursProcesses('16')).to.deep.equal([16])
    expect(oursProcesses('4, 1')).to.deep.equal([4, 1])
    expect(oursProcesses('4,5')).to.deep.equal([...OURS_PROCESSES_DEFAULT])
    expect(oursProcesses('1,1')).to.deep.equal([...OURS_PROCESSES_DEFAULT])
    expect(oursProcesses('abc')).to.deep.equal([...OURS_PROCESSES_DEFAULT])
    expect(oursProcesses(undefined)).to.deep.equal([...OURS_PROCESSES_DEFAULT])
  })
})
