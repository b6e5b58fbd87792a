// A running peer whose endpoint the node does not know (its blkTip carries no `e` yet, as behind a
// NAT before its peers have reported its address, and its pushes cannot reach the node), and whose
// other channels are empty (no transfers, no messages, no demand). The node reads it by recursive
// lookups only. Its empty channels must not make its key "silent" to the DHT getter: each new tip
// it publishes is taken within the blkTip poll's bound, for as long as it runs.
// In-process node: real UDP DHT on 127.0.0.1, real LevelDB; the peer is a bare DHT engine.
import { expect } from 'chai'
import { generateKeyPair } from '../../chain/crypto.js'
import { bytesEqual } from '../../chain/hex.js'
import { DhtEngine, encodeChannelValue } from '../../dht/index.js'
import { BLKTIP_UNCHANGED_BACKOFF_MAX_MS, READER_TICK_MS } from '../../node/constants.js'
import type { TauNode } from '../../node/node.js'
import { keepOwnItem, startKeyedNode } from '../helpers/keyedNode.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const BLOCK_TIME_S = 10
/** New tips the peer publishes, one every TIP_EVERY_MS: long enough for the empty channels' misses to pile up. */
const TIPS = 12
const TIP_EVERY_MS = 4000
/** The bound on taking a new tip: the unchanged-tip poll's longest wait, a tick, and a lookup on a loaded machine. */
const BOUND_MS = BLKTIP_UNCHANGED_BACKOFF_MAX_MS + READER_TICK_MS + 4000

describe('node: a peer read without its endpoint, whose other channels are empty (real UDP, real LevelDB)', function () {
  this.timeout(TIPS * (TIP_EVERY_MS + BOUND_MS) + 30_000)
  let dir: string
  let node: TauNode | undefined
  let peer: DhtEngine | undefined
  const ours = generateKeyPair(); const theirs = generateKeyPair()

  before(async () => {
    dir = makeTmpDir()
    node = (await startKeyedNode(dir, { name: 'no-endpoint', blockTime: BLOCK_TIME_S, ours, others: [theirs] })).node
    // It joins through the node, so the node's lookups reach it; it never pushes.
    peer = new DhtEngine({ keyPair: theirs, bootstrap: [node.ctx.engine.endpoint] })
    await peer.start()
  })
  after(async () => {
    await peer?.stop()
    await node?.stop()
    removeDir(dir)
  })

  it('takes each of its new tips within the blkTip poll bound, tip after tip', async () => {
    const ctx = node!.ctx
    const chainId = ctx.genesis.chainId
    let seq = Date.now()
    const lags: number[] = []
    for (let i = 1; i <= TIPS; i++) {
      const h = new Uint8Array(32).fill(i)
      const bytes = encodeChannelValue('blkTip', { h, n: i, d: BigInt(i) * 10n ** 18n })
      keepOwnItem(peer!, theirs, { chainId, blockTimeS: BLOCK_TIME_S, name: 'blkTip', bytes, seq: ++seq })
      const t0 = Date.now()
      await waitFor(() => { const t = ctx.peers.get(theirs.publicKey)?.tip; return t !== undefined && bytesEqual(t.id, h) ? true : undefined }, {
        timeoutMs: BOUND_MS,
        what: `tip ${i} to be taken`,
        describe: () => `lags so far (ms): ${JSON.stringify(lags)}; reads: ${JSON.stringify(node!.readers.reads)}`
      })
      lags.push(Date.now() - t0)
      // Pacing, not a wait for a condition: the peer publishes a tip every TIP_EVERY_MS, and the
      // node's reads of its empty channels go on in between, as on a live network.
      await new Promise(resolve => setTimeout(resolve, Math.max(0, TIP_EVERY_MS - lags[lags.length - 1])))
    }
    console.log(`      endpointless peer: tip lags (ms) ${JSON.stringify(lags)}`)
    expect(ctx.peers.get(theirs.publicKey)?.endpoint, 'no endpoint was ever published').to.equal(undefined)
    expect(lags.length).to.equal(TIPS)
  })
})
