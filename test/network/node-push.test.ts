// A peer's blkTip pushed straight to a real node (in-process node: real UDP DHT on 127.0.0.1, real
// LevelDB; the peers are DHT engines of their own). The peer engines join no network, so the push
// is the only way their items reach the node: a known peer's pushed blkTip becomes its tip (the
// mining tip signal) and its txTip the pool's signal; a stranger's, a badly signed one and a channel
// the node does not read do not; a flood is rate-limited and the node stays up.
import { expect } from 'chai'
import { generateKeyPair, type KeyPair } from '../../chain/crypto.js'
import { bytesEqual, } from '../../chain/hex.js'
import { Channels, DhtEngine, encodeEndpoint, Getter, Putter, SeqClock } from '../../dht/index.js'
import { TauNode } from '../../node/node.js'
import { startKeyedNode } from '../helpers/keyedNode.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

describe('node: pushed blkTip from a peer (real UDP, real LevelDB)', function () {
  this.timeout(60_000)
  let dir: string
  let node: TauNode | undefined
  const engines: DhtEngine[] = []
  const ours = generateKeyPair(); const friend = generateKeyPair(); const stranger = generateKeyPair()
  let chainId: Uint8Array

  before(async () => {
    dir = makeTmpDir()
    const started = await startKeyedNode(dir, { name: 'push-test', blockTime: 10, ours, others: [friend] })
    node = started.node
    chainId = started.genesis.chainId
  })
  after(async () => {
    for (const e of engines) await e.stop()
    await node?.stop()
    removeDir(dir)
  })

  /** An isolated DHT engine publishing under `kp`: its recursive puts reach nobody. */
  async function peer (kp: KeyPair): Promise<{ engine: DhtEngine, putter: Putter, channels: Channels }> {
    const engine = new DhtEngine({ keyPair: kp })
    engines.push(engine)
    await engine.start()
    const putter = new Putter(engine)
    const channels = new Channels({ engine, getter: new Getter(engine), putter, seq: new SeqClock(), chainId, blockTimeS: 10 })
    return { engine, putter, channels }
  }

  it("a known peer's pushed blkTip becomes its tip and a mining tip signal", async () => {
    const ctx = node!.ctx
    const p = await peer(friend)
    const tip = { h: new Uint8Array(32).fill(7), n: 3, d: 10n ** 20n, e: encodeEndpoint(p.engine.endpoint) }
    const { target } = p.channels.publish('blkTip', tip)
    const signals = ctx.router.counts.get('TIP_BLOCK_FROM_PEER_FOR_MINING') ?? 0
    const out = await p.putter.push(target, [ctx.engine.endpoint])
    expect(out.ok + out.already).to.equal(1)
    expect(node!.readers.pushed.tips).to.equal(1)
    expect(ctx.router.counts.get('TIP_BLOCK_FROM_PEER_FOR_MINING') ?? 0).to.be.greaterThan(signals)
    const info = ctx.peers.get(friend.publicKey)
    expect(info?.tip !== undefined && bytesEqual(info.tip.id, tip.h)).to.equal(true)
    expect(info?.tip?.n).to.equal(3)
    expect(info?.endpoint?.port, 'the endpoint in the pushed value is learnt too').to.equal(p.engine.endpoint.port)
  })

  it("drops a stranger's push, a badly signed push and another channel's item, and counts them", async () => {
    const ctx = node!.ctx
    const s = await peer(stranger)
    const { target } = s.channels.publish('blkTip', { h: new Uint8Array(32).fill(8), n: 4, d: 10n ** 21n })
    expect((await s.putter.push(target, [ctx.engine.endpoint])).ok).to.equal(1) // a valid BEP44 put: stored
    expect(node!.readers.pushed.unknownKey).to.equal(1)
    expect(ctx.peers.get(stranger.publicKey)).to.equal(undefined)

    const f = engines[0]
    const fch = new Channels({ engine: f, getter: new Getter(f), putter: new Putter(f), seq: new SeqClock(), chainId, blockTimeS: 10 })
    const gossip = fch.publish('gossip', { g: [] })
    await new Putter(f).push(gossip.target, [ctx.engine.endpoint])
    expect(node!.readers.pushed.otherChannel, 'a channel the node does not read').to.equal(1)

    // The good item only lends its signature to the bad push: its own recursive put must not reach
    // the node (the engine knows the node from its pushes above, so the put would store it there).
    f.blocked.replace([ctx.engine.endpoint])
    const good = fch.publish('blkTip', { h: new Uint8Array(32).fill(9), n: 9, d: 10n ** 30n })
    await good.done
    f.blocked.replace([])
    const own = f.ownItem(good.target)!
    const sig = Buffer.from(own.sig); sig[0] ^= 1
    const dropped = ctx.engine.stats.dropped.put_bad_sig ?? 0
    expect(await f.pushTo(ctx.engine.endpoint, { ...own, sig })).to.equal('failed')
    expect((ctx.engine.stats.dropped.put_bad_sig ?? 0) - dropped).to.equal(1)
    expect(node!.readers.pushed.tips, 'no tip from the bad push').to.equal(1)
    expect(ctx.peers.get(friend.publicKey)?.tip?.n).to.equal(3)
  })

  it("a known peer's pushed txTip becomes the pool's signal, like a read of it", async () => {
    const ctx = node!.ctx
    const f = engines[0]
    const fch = new Channels({ engine: f, getter: new Getter(f), putter: new Putter(f), seq: new SeqClock(), chainId, blockTimeS: 10 })
    const before = ctx.router.counts.get('TIP_TX_FOR_MINING') ?? 0
    const { target } = fch.publish('txTip', { x: [new Uint8Array(32).fill(3)] })
    expect((await new Putter(f).push(target, [ctx.engine.endpoint])).ok).to.equal(1)
    expect(node!.readers.pushed.items).to.equal(1)
    expect(ctx.router.counts.get('TIP_TX_FOR_MINING') ?? 0).to.equal(before + 1)
  })

  it('a flood of pushes from one peer is rate-limited; the node keeps serving', async () => {
    const ctx = node!.ctx
    const f = engines[0]
    const fch = new Channels({ engine: f, getter: new Getter(f), putter: new Putter(f), seq: new SeqClock(), chainId, blockTimeS: 10 })
    for (let i = 0; i < 6; i++) {
      // A new item, then 50 copies at once (in batches, so loopback socket buffers do not drop them
      // before the rate limiter sees them); the copies after the first are answered 302.
      const { target } = fch.publish('blkTip', { h: new Uint8Array(32).fill(10), n: 100 + i, d: 10n ** 20n })
      const own = f.ownItem(target)!
      await Promise.all(Array.from({ length: 50 }, async () => await f.pushTo(ctx.engine.endpoint, own)))
    }
    expect(ctx.engine.stats.dropped.rate_limited ?? 0).to.be.greaterThan(0)
    expect(ctx.engine.stats.traffic.handlerErrors).to.equal(0)
    const port = (node!.http?.address() as { port: number }).port
    const st = await waitFor(async () => { const r = await fetch(`http://127.0.0.1:${port}/status`); return r.status === 200 ? r : null }, { timeoutMs: 10_000, what: 'the node to answer /status' })
    expect(st.status).to.equal(200)
  })
})
