// The node's txTip is put and pushed when its pool's tip ids change, not after every block (in-process
// node: real UDP DHT on 127.0.0.1, real LevelDB; the peer is a DHT engine of its own that the node
// pushes to once it has taken the peer's blkTip). Every new tip makes the pool pipeline ask for a
// txTip; an empty pool after each block used to put and push the same empty txTip every time, which
// every peer stored, checked and took as news (its read back-off started again).
import { expect } from 'chai'
import { generateKeyPair } from '../../chain/crypto.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import { Channels, channelSalt, DhtEngine, encodeEndpoint, Getter, Putter, SeqClock, slotOf } from '../../dht/index.js'
import { TXTIP_PUBLISH_DEBOUNCE_MS } from '../../node/constants.js'
import type { TauNode } from '../../node/node.js'
import { startKeyedNode } from '../helpers/keyedNode.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const BLOCK_TIME_S = 10
/** Tip changes played after the first. */
const MORE_TIPS = 3
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('node: the txTip is published when the pool changes, not after every block (real UDP, real LevelDB)', function () {
  this.timeout(60_000)
  let dir: string
  let node: TauNode | undefined
  let peer: DhtEngine | undefined
  const ours = generateKeyPair(); const friend = generateKeyPair()
  let chainId: Uint8Array

  before(async () => {
    dir = makeTmpDir()
    const started = await startKeyedNode(dir, { name: 'txtip-test', blockTime: BLOCK_TIME_S, ours, others: [friend] })
    node = started.node
    chainId = started.genesis.chainId
    peer = new DhtEngine({ keyPair: friend })
    await peer.start()
    // The peer's blkTip, pushed: the node learns its endpoint and counts it live (a push target).
    const channels = new Channels({ engine: peer, getter: new Getter(peer), putter: new Putter(peer), seq: new SeqClock(), chainId, blockTimeS: BLOCK_TIME_S })
    const { target } = channels.publish('blkTip', { h: new Uint8Array(32).fill(3), n: 1, d: 10n ** 20n, e: encodeEndpoint(peer.endpoint) })
    expect((await new Putter(peer).push(target, [node.ctx.engine.endpoint])).ok).to.equal(1)
    await waitFor(() => node!.ctx.peers.get(friend.publicKey)?.endpoint !== undefined, { timeoutMs: 5000, what: "the node to learn the peer's endpoint" })
  })
  after(async () => {
    await peer?.stop()
    await node?.stop()
    removeDir(dir)
  })

  it('the same (empty) pool after each new tip: one txTip put and pushed, not one per tip', async () => {
    // The node's txTip items that reached the peer, by seq (a push and a recursive put of one item are one).
    const seqs = new Set<number>()
    const isTxTip = (salt: Uint8Array): boolean => {
      const slot = slotOf(Date.now(), BLOCK_TIME_S)
      return [slot, slot - 1].some(s => bytesEqual(salt, channelSalt(chainId, 'txTip', s)))
    }
    const off = peer!.onStoredPut(item => { if (toHex(item.k) === toHex(ours.publicKey) && isTxTip(item.salt)) seqs.add(item.seq) })
    try {
      // A new tip with no transactions mined: what the chain-events pipeline does after each block.
      node!.poolPipeline.onTip([])
      await waitFor(() => seqs.size >= 1, { timeoutMs: TXTIP_PUBLISH_DEBOUNCE_MS + 5000, what: 'the first txTip to reach the peer' })
      for (let i = 0; i < MORE_TIPS; i++) {
        node!.poolPipeline.onTip([])
        await sleep(TXTIP_PUBLISH_DEBOUNCE_MS * 2)
      }
      await sleep(1000)
      expect(seqs.size, `txTip items the peer got after ${MORE_TIPS + 1} tips with the same empty pool`).to.equal(1)
    } finally {
      off()
    }
  })
})
