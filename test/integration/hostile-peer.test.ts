// A hostile peer against a real node (in-process node, real UDP DHT on 127.0.0.1, real LevelDB):
// it publishes a signed blkTip claiming a huge difficulty for a block that breaks a consensus rule,
// and a blkTip for a block that does not exist. The node must reject the first with its code,
// penalise the peer, keep its chain, ask for the missing one in its demand item, and stay up.
import { expect } from 'chai'
import { blockId, encodeBlock, signBlock } from '../../chain/block.js'
import { generateKeyPair } from '../../chain/crypto.js'
import { generationSignature } from '../../chain/consensus/pot.js'
import { Channels, DhtEngine, Getter, Putter, SeqClock } from '../../dht/index.js'
import { TauNode } from '../../node/node.js'
import { startKeyedNode } from '../helpers/keyedNode.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

describe('hostile peer against a real node', function () {
  this.timeout(60_000)
  let dir: string
  let node: TauNode | undefined
  let hostile: DhtEngine | undefined

  before(() => { dir = makeTmpDir() })
  after(async () => {
    await hostile?.stop()
    await node?.stop()
    removeDir(dir)
  })

  it('rejects an invalid tip block with its code, penalises the peer and keeps its chain', async () => {
    const ours = generateKeyPair(); const bad = generateKeyPair()
    const now = Math.floor(Date.now() / 1000)
    const started = await startKeyedNode(dir, { name: 'hostile-test', blockTime: 10, ours, others: [bad] })
    node = started.node
    const genesis = started.genesis
    const ctx = node.ctx

    // The hostile peer: its own DHT node, joined to ours, publishing on its channels.
    hostile = new DhtEngine({ keyPair: bad, port: 0, bootstrap: [ctx.engine.endpoint] })
    await hostile.start()
    const getter = new Getter(hostile); const putter = new Putter(hostile)
    const channels = new Channels({ engine: hostile, getter, putter, seq: new SeqClock(), chainId: genesis.chainId, blockTimeS: 10 })
    // A correctly signed block on genesis with a wrong base target and a huge claimed difficulty.
    const forged = signBlock({
      v: 1, c: genesis.chainId, n: 1, p: genesis.blockId, t: now, b: genesis.block.b + 1n, d: 1n << 200n,
      g: generationSignature(genesis.block.g, bad.publicKey), m: bad.publicKey, i: genesis.blockId, x: []
    }, bad.secretKey)
    await putter.putImmutable(encodeBlock(forged)).done
    channels.publish('blkTip', { h: blockId(forged), n: 1, d: 1n << 200n })

    await waitFor(() => ctx.chain.invalidReason(blockId(forged)) !== undefined, {
      timeoutMs: 30_000, what: 'the forged tip to be fetched and rejected',
      describe: () => `peers: ${JSON.stringify(ctx.peers.all().map(p => ({ k: p.hex.slice(0, 8), pen: p.penalties, tip: p.tip?.n })))}`
    })
    expect(ctx.chain.invalidReason(blockId(forged))).to.equal('BLOCK_BAD_BASE_TARGET')
    expect(ctx.peers.get(bad.publicKey)?.penalties ?? 0).to.be.greaterThan(0)
    expect(ctx.chain.tip().n).to.equal(0)

    // A tip that names a block nobody has: the node asks for it in its demand item and stays up.
    const ghost = new Uint8Array(32).fill(0xab)
    channels.publish('blkTip', { h: ghost, n: 5, d: 1n << 201n })
    await waitFor(() => ctx.demand.has('b', ghost), { timeoutMs: 30_000, what: 'the missing block in the demand item' })
    const res = await fetch(`http://127.0.0.1:${(node.http?.address() as { port: number }).port}/status`)
    expect(res.status).to.equal(200)
    expect((await res.json() as { height: number }).height).to.equal(0)
  })
})
