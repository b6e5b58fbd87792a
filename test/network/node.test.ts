// The node as miners run it (issue 5): real processes started through `tau-node start`, UDP DHTs and
// HTTP APIs on 127.0.0.1, LevelDB in temp dirs. One network goes through four phases in order; each
// wait has a deadline and prints every node's height, tip and last log lines when it runs out.
import { expect } from 'chai'
import { blocksTimeoutMs, healthyTimeoutMs } from '../../scripts/testnet/constants.js'
import { Testnet } from '../../scripts/testnet/network.js'
import { createTransfer, encodeTx } from '../../chain/tx.js'
import { fromHex, toHex } from '../../chain/hex.js'
import { waitFor } from '../helpers/wait.js'

const T = 10

describe('node: miners on 127.0.0.1 (real processes)', function () {
  this.timeout(6 * 60_000)
  let net: Testnet

  before(async () => {
    net = await Testnet.create({ nodes: 3, blockTime: T, mutableRange: 6, seed: 'tau-node-issue-5', spareNodes: 1 })
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T) })
  })

  after(async () => {
    if (net === undefined) return
    await net.stop()
    net.removeDir()
  })

  it('three miners reach the same tip hash at height ≥ 6', async () => {
    const c = await net.waitConverged({ minHeight: 6, timeoutMs: blocksTimeoutMs(6, T) })
    expect(c.height).to.be.at.least(6)
    const views = await net.poll()
    expect(new Set(views.map(v => v.status?.tipId)).size).to.equal(1)
    // More than one miner takes part. Which key wins each block is chance (power-weighted), so wait
    // for a second miner with a deadline rather than demand one by a fixed height.
    await waitFor(() => net.nodes.filter(n => n.events.mined.length > 0).length >= 2, {
      timeoutMs: blocksTimeoutMs(6, T), what: 'a second miner to mine a block', describe: async () => await net.describe()
    })
  })

  it('a fourth node with an empty data dir votes, syncs and joins the same tip', async () => {
    const joiner = await net.addNode({ mine: false })
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T), indices: [joiner.index] })
    const c = await net.waitConverged({ minHeight: 6, timeoutMs: blocksTimeoutMs(3, T), what: 'the joiner to reach the common tip' })
    const st = await joiner.api.status()
    expect(st.height).to.equal(c.height)
    expect((st as unknown as { votingRounds: number }).votingRounds).to.be.at.least(1)
  })

  it('a node killed with SIGKILL restarts from its stored tip and catches up', async () => {
    const before = (await net.nodeAt(1).api.status()).height
    await net.killNode(1)
    // Let the others move on while it is down.
    const target = before + 1
    await waitFor(async () => (await net.nodeAt(0).api.status()).height >= target, {
      timeoutMs: blocksTimeoutMs(1, T), what: `node-0 to pass height ${target}`, describe: async () => await net.describe()
    })
    net.startNode(1)
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T), indices: [1] })
    const resumed = (await net.nodeAt(1).api.status()).height
    expect(resumed, 'resumed from its stored chain, not from genesis').to.be.at.least(before)
    await net.waitConverged({ minHeight: target, timeoutMs: blocksTimeoutMs(3, T), what: 'the restarted node to catch up' })
  })

  it("a transaction written into one node's pool is mined and every node sees its effect", async () => {
    const from = net.nodes[0]; const to = net.nodes[2]
    const receiverBefore = BigInt((await net.nodeAt(0).api.account(to.pubkey))?.balance ?? '0')
    const senderNonce = (await net.nodeAt(0).api.account(from.pubkey))?.nonce ?? 0
    const tx = createTransfer(from.key.secretKey, from.key.publicKey, {
      chainId: net.genesis.chainId, to: fromHex(to.pubkey), amount: 12_345, fee: 7, nonce: senderNonce + 1, timestamp: Math.floor(Date.now() / 1000)
    })
    // Submitted to node-1: the others learn it from its txTip (or from the block that carries it).
    const id = await net.nodeAt(1).api.submitTx(toHex(encodeTx(tx)))
    expect(id).to.equal(toHex((await import('../../chain/tx.js')).txId(tx)))
    await waitFor(async () => {
      for (const n of net.running) {
        const a = await n.api.account(to.pubkey)
        const s = await n.api.account(from.pubkey)
        if (a === undefined || s === undefined) return false
        // The receiver may also mine (fees, rewards): at least the amount arrived, and the nonce moved.
        if (BigInt(a.balance) < receiverBefore + 12_345n || s.nonce !== senderNonce + 1) return false
      }
      return true
    }, { timeoutMs: blocksTimeoutMs(4, T), what: 'the transfer to be mined and visible on every node', describe: async () => await net.describe() })
    const st = await net.nodeAt(1).api.tx(id)
    expect(st?.status).to.equal('mined')
  })
})
