// A node that starts after its peer has given up on it for a while (two in-process nodes: real UDP
// DHT on 127.0.0.1, real LevelDB, neither mining). The first node's reads of the late one's blkTip
// miss while it is down, so it waits longer and longer between them (up to READ_MISS_BACKOFF_MAX_MS
// for a key never seen live). When the late node starts and reads the first one, it sends it its
// blkTip (node/publisher.ts, the greeting): the first node knows it within a tick or two, not at the
// end of its wait. Here the late node's recursive put of its blkTip also lands on the first node (the
// only other DHT node), as it does on a network only when the first node is among the item's closest;
// so the test checks the greeting itself went out: without it the late node pushes nothing at all
// (neither node mines, and its start-up publish found no live peer to push to).
import { expect } from 'chai'
import { join } from 'node:path'
import { generateKeyPair } from '../../chain/crypto.js'
import type { Genesis } from '../../chain/genesis.js'
import { READER_TICK_MS } from '../../node/constants.js'
import type { TauNode } from '../../node/node.js'
import { startKeyedNode } from '../helpers/keyedNode.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const BLOCK_TIME_S = 10
/** Misses of the late node's blkTip before it starts: by then the first node waits ≥ 16 s between reads. */
const MISSES_FIRST = 5
/** The late node reads the first (a reader tick), greets it (a publisher tick, 500 ms), and the push arrives; plus a loaded machine's slack. */
const GREETING_BOUND_MS = 2 * READER_TICK_MS + 500 + 3000

describe('node: a late peer greets the node that gave up on it (real UDP, real LevelDB)', function () {
  this.timeout(120_000)
  let dir: string
  const nodes: TauNode[] = []
  const first = generateKeyPair(); const late = generateKeyPair()
  let genesis: Genesis

  before(async () => {
    dir = makeTmpDir()
    const started = await startKeyedNode(join(dir, 'a'), { name: 'greeting-test', blockTime: BLOCK_TIME_S, ours: first, others: [late] })
    nodes.push(started.node)
    genesis = started.genesis
  })
  after(async () => {
    for (const n of nodes.reverse()) await n.stop()
    removeDir(dir)
  })

  it('is known to it within a tick or two of reading it, by a push', async () => {
    const a = nodes[0]
    // Its reads of the late key's blkTip miss while that node is down (each read is a miss: nothing runs under that key).
    await waitFor(() => (a.readers.reads.started.blkTip ?? 0) >= MISSES_FIRST, { timeoutMs: 60_000, what: `${MISSES_FIRST} misses of the late key's blkTip` })
    expect(a.ctx.peers.get(late.publicKey)?.lastSeenMs).to.equal(undefined)
    const pushed0 = a.readers.pushed.tips
    const ep = a.ctx.engine.endpoint
    const b = (await startKeyedNode(join(dir, 'b'), { name: 'greeting-test', blockTime: BLOCK_TIME_S, ours: late, others: [first], genesis, bootstrap: `${ep.host}:${ep.port}` })).node
    nodes.push(b)
    // The late node reads the first one: from then on, the greeting's bound runs.
    await waitFor(() => b.ctx.peers.get(first.publicKey)?.lastSeenMs, { timeoutMs: 30_000, what: 'the late node to read the first one' })
    const t0 = Date.now()
    await waitFor(() => a.ctx.peers.get(late.publicKey)?.lastSeenMs, { timeoutMs: GREETING_BOUND_MS, what: 'the first node to know the late one' })
    expect(Date.now() - t0).to.be.at.most(GREETING_BOUND_MS)
    expect(a.readers.pushed.tips - pushed0, 'its blkTip was stored here by a put or a push').to.be.at.least(1)
    await waitFor(() => b.ctx.engine.pushes.sent >= 1, { timeoutMs: GREETING_BOUND_MS, what: 'the late node to push its blkTip to the first (the greeting)' })
    const known = a.ctx.peers.get(late.publicKey)
    expect(known?.endpoint).to.deep.equal(b.ctx.engine.endpoint)
  })
})
