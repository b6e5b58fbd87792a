// A genesis account that runs no node (in-process node: real UDP DHT on 127.0.0.1, real LevelDB).
// Every node asks every such account's channels, each ask a recursive lookup that the whole
// neighbourhood answers; the node probes it less and less often, down to one lookup per
// SILENT_KEY_BACKOFF_MAX_MS, and reads no channel of it but blkTip meanwhile. When the account's
// node starts and its push reaches the node, the account is a live peer again at once: its other
// channels are read within their own interval (docs/protocol-notes.md §7 states the bounds).
import { expect } from 'chai'
import { generateKeyPair } from '../../chain/crypto.js'
import { bytesEqual } from '../../chain/hex.js'
import { type ChannelName, type ChannelValues, DhtEngine, encodeChannelValue, encodeEndpoint, Putter } from '../../dht/index.js'
import { SILENT_KEY_BACKOFF_MAX_MS, SILENT_KEY_BACKOFF_MS, SILENT_KEY_MISSES } from '../../dht/constants.js'
import { READ_MISS_BACKOFF_MAX_MS, READER_TICK_MS, TXTIP_READ_INTERVAL_MS } from '../../node/constants.js'
import type { TauNode } from '../../node/node.js'
import { keepOwnItem, startKeyedNode } from '../helpers/keyedNode.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const BLOCK_TIME_S = 10
/** Slack on every "within the bound" wait: the read itself, timers late on a loaded machine. */
const SLACK_MS = 3000
/** The window in which lookups are counted, once the silent key's wait has reached its cap: one
 *  reader's wait at its cap and a little, so that the blkTip is probed at least once in it. */
const WINDOW_MS = READ_MISS_BACKOFF_MAX_MS + SLACK_MS

/** How long the silent-key wait takes to reach its cap after the first SILENT_KEY_MISSES misses (ms). */
function rampMs (): number {
  let t = 0
  for (let w = SILENT_KEY_BACKOFF_MS; w < SILENT_KEY_BACKOFF_MAX_MS; w *= 2) t += w
  return t
}

describe('node: a genesis account that runs no node is probed rarely, and taken at once when it starts (real UDP, real LevelDB)', function () {
  this.timeout(rampMs() + WINDOW_MS + 60_000)
  let dir: string
  let node: TauNode | undefined
  let late: DhtEngine | undefined
  const ours = generateKeyPair(); const silent = generateKeyPair()
  let chainId: Uint8Array
  let seq = Date.now()

  /** Signs `value` under the channel's salt in the current slot and keeps it in the late engine's own store. */
  function keep<N extends ChannelName> (name: N, value: ChannelValues[N]): Uint8Array {
    return keepOwnItem(late!, silent, { chainId, blockTimeS: BLOCK_TIME_S, name, bytes: encodeChannelValue(name, value), seq: ++seq })
  }

  before(async () => {
    dir = makeTmpDir()
    const started = await startKeyedNode(dir, { name: 'silent-peer-test', blockTime: BLOCK_TIME_S, ours, others: [silent] })
    node = started.node
    chainId = started.genesis.chainId
  })
  after(async () => {
    await late?.stop()
    await node?.stop()
    removeDir(dir)
  })

  it('its lookups fall to one per SILENT_KEY_BACKOFF_MAX_MS, and only its blkTip is read', async () => {
    const stats = node!.ctx.engine.stats
    const r = node!.readers.reads
    const others = (): number => (r.started.txTip ?? 0) + (r.started.demand ?? 0) + (r.started.msgTip ?? 0)
    // The first misses come within seconds of the start; then the wait doubles up to its cap.
    await new Promise(resolve => setTimeout(resolve, rampMs() + SLACK_MS * 3))
    const lookups0 = stats.requests.recursive; const others0 = others(); const tips0 = r.started.blkTip ?? 0
    await new Promise(resolve => setTimeout(resolve, WINDOW_MS))
    const lookups = stats.requests.recursive - lookups0
    // Each wait that ends in the window lets one probe through (its miss starts the next wait);
    // the reader's blkTip probe may come just before the DHT's wait ends, so there may be none.
    const bound = Math.floor(WINDOW_MS / SILENT_KEY_BACKOFF_MAX_MS) + 1
    expect(lookups, `lookups in ${WINDOW_MS} ms (with no wait, one per read: ${SILENT_KEY_MISSES} within the first seconds)`).to.be.at.most(bound)
    expect(others() - others0, 'txTip, demand and msgTip reads of a peer whose blkTip keeps missing').to.equal(0)
    expect((r.started.blkTip ?? 0) - tips0, 'its blkTip is still probed').to.be.at.least(1)
  })

  it('when its node starts, its push makes it a live peer at once: its txTip is read within its interval', async () => {
    late = new DhtEngine({ keyPair: silent })
    await late.start()
    const ctx = node!.ctx
    const signals = ctx.router.counts.get('TIP_TX_FOR_MINING') ?? 0
    const h = new Uint8Array(32).fill(7)
    // Its items stay in its own store (they reach the node only by the node's reads), but the
    // blkTip is pushed once, as a starting node pushes its tip to the peers it has read.
    keep('txTip', { x: [new Uint8Array(32).fill(9)] })
    const tipTarget = keep('blkTip', { h, n: 1, d: 10n ** 20n, e: encodeEndpoint(late.endpoint) })
    const t0 = Date.now()
    expect((await new Putter(late).push(tipTarget, [ctx.engine.endpoint])).ok).to.equal(1)
    await waitFor(() => { const t = ctx.peers.get(silent.publicKey)?.tip; return t !== undefined && bytesEqual(t.id, h) }, { timeoutMs: SLACK_MS, what: 'the pushed tip to be taken' })
    const bound = TXTIP_READ_INTERVAL_MS + READER_TICK_MS
    await waitFor(() => (ctx.router.counts.get('TIP_TX_FOR_MINING') ?? 0) > signals, { timeoutMs: bound + SLACK_MS, what: 'its txTip to be read' })
    expect(Date.now() - t0).to.be.at.most(bound + SLACK_MS)
    expect(node!.readers.pushed.items, 'the txTip came by a read').to.equal(0)
  })
})
