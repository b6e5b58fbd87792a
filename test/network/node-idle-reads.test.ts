// What an idle node's channel readers cost, and that they still catch what pushes miss (in-process
// node: real UDP DHT on 127.0.0.1, real LevelDB; the peer is a DHT engine of its own). The peer
// keeps its channel items in its own store and answers direct gets for them, but its puts and
// pushes never reach the node (after one push that tells the node its endpoint): every later item
// can reach the node only through the node's polls. Checked: empty channels are polled less and
// less often and each read ends at the owner's "no value" (no recursive lookup), asking the previous
// slot only in the first seconds of a slot; an unchanged
// blkTip is polled less and less often; a new tip and a txTip that appears after the back-off
// are still read within the bounds docs/performance.md states (the back-off caps).
import { expect } from 'chai'
import { generateKeyPair, type KeyPair } from '../../chain/crypto.js'
import { bytesEqual, } from '../../chain/hex.js'
import {
  type ChannelName, type ChannelValues, Channels, DhtEngine, encodeChannelValue, encodeEndpoint, Getter, Putter, SeqClock, slotOf
} from '../../dht/index.js'
import { backoffMs } from '../../node/backoff.js'
import {
  BLKTIP_DIRECT_READ_INTERVAL_MS, BLKTIP_UNCHANGED_BACKOFF_MAX_MS, EMPTY_CHANNEL_BACKOFF_MAX_MS, READ_JITTER_FRACTION, READER_TICK_MS, TXTIP_READ_INTERVAL_MS
} from '../../node/constants.js'
import { TauNode } from '../../node/node.js'
import { keepOwnItem, startKeyedNode } from '../helpers/keyedNode.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const BLOCK_TIME_S = 10
/** Slack on every "within the bound" wait: the read itself, timers late on a loaded machine. */
const SLACK_MS = 3000
const WINDOW_MS = 30_000

/** The most reads a back-off schedule allows in `windowMs`, counting one at its start and every jitter at its earliest. */
function maxReads (windowMs: number, baseMs: number, capMs: number): number {
  let n = 1
  for (let t = 0, e = 0; ; e++) {
    t += backoffMs(baseMs, e, capMs) * (1 - READ_JITTER_FRACTION)
    if (t > windowMs) return n
    n++
  }
}

describe('node: idle channel reads back off, and still catch a lost push (real UDP, real LevelDB)', function () {
  this.timeout(180_000)
  let dir: string
  let node: TauNode | undefined
  let peer: DhtEngine | undefined
  let keeper: NodeJS.Timeout | undefined
  const ours = generateKeyPair(); const friend = generateKeyPair()
  let chainId: Uint8Array
  /** The peer's current channel values, kept again in each new slot (its republish, which reaches nobody). */
  const published = new Map<ChannelName, Uint8Array>()
  let seq = Date.now()

  /** Signs `bytes` under the channel's salt in the current slot and keeps it in the peer's own store only. */
  function keepOnly (kp: KeyPair, name: ChannelName, bytes: Uint8Array): Uint8Array {
    return keepOwnItem(peer!, kp, { chainId, blockTimeS: BLOCK_TIME_S, name, bytes, seq: ++seq })
  }
  function publish<N extends ChannelName> (name: N, value: ChannelValues[N]): Uint8Array {
    const bytes = encodeChannelValue(name, value)
    published.set(name, bytes)
    return keepOnly(friend, name, bytes)
  }

  const tip = (fill: number, n: number): ChannelValues['blkTip'] => ({ h: new Uint8Array(32).fill(fill), n, d: 10n ** 20n, e: encodeEndpoint(peer!.endpoint) })

  before(async () => {
    dir = makeTmpDir()
    const started = await startKeyedNode(dir, { name: 'idle-reads-test', blockTime: BLOCK_TIME_S, ours, others: [friend] })
    node = started.node
    chainId = started.genesis.chainId
    peer = new DhtEngine({ keyPair: friend })
    await peer.start()
    // Its one push: the node learns the peer's endpoint from the blkTip's `e`.
    const first = publish('blkTip', tip(1, 1))
    expect((await new Putter(peer).push(first, [node.ctx.engine.endpoint])).ok).to.equal(1)
    let slot = slotOf(Date.now(), BLOCK_TIME_S)
    keeper = setInterval(() => {
      const now = slotOf(Date.now(), BLOCK_TIME_S)
      if (now === slot) return
      slot = now
      for (const [name, bytes] of published) keepOnly(friend, name, bytes)
    }, 100)
    await waitFor(() => node!.ctx.peers.get(friend.publicKey)?.endpoint !== undefined, { timeoutMs: 5000, what: "the node to learn the peer's endpoint" })
  })
  after(async () => {
    if (keeper !== undefined) clearInterval(keeper)
    await peer?.stop()
    await node?.stop()
    removeDir(dir)
  })

  it("reads of empty channels and of an unchanged blkTip back off; an empty channel's read ends at the owner's answer", async () => {
    const r = node!.readers.reads
    const started = (ch: ChannelName): number => r.started[ch] ?? 0
    const ownerEmpty = (): number => node!.ctx.engine.stats.snapshot().gauges.getsOwnerEmpty ?? 0
    const tx0 = started('txTip'); const dm0 = started('demand'); const tip0 = started('blkTip'); const oe0 = ownerEmpty()
    await new Promise(resolve => setTimeout(resolve, WINDOW_MS))
    const tx = started('txTip') - tx0; const dm = started('demand') - dm0; const tips = started('blkTip') - tip0
    const emptyBound = maxReads(WINDOW_MS, TXTIP_READ_INTERVAL_MS, EMPTY_CHANNEL_BACKOFF_MAX_MS)
    const tipBound = maxReads(WINDOW_MS, BLKTIP_DIRECT_READ_INTERVAL_MS, BLKTIP_UNCHANGED_BACKOFF_MAX_MS)
    expect(tx, `txTip reads in ${WINDOW_MS} ms (no back-off: ${WINDOW_MS / TXTIP_READ_INTERVAL_MS})`).to.be.within(1, emptyBound)
    expect(dm, 'demand reads').to.be.within(1, emptyBound)
    expect(tips, `blkTip reads (no back-off: ${WINDOW_MS / BLKTIP_DIRECT_READ_INTERVAL_MS})`).to.be.within(1, tipBound)
    // Each empty read asks the current and the previous slot; the owner's "no value" ends both.
    expect(ownerEmpty() - oe0, 'gets ended by the owner\'s answer').to.be.at.least(tx + dm)
    expect(node!.readers.pushed.tips, 'nothing but the first push reached the node').to.equal(1)
  })

  it("an empty channel's read asks the owner for the previous slot only within the grace after a slot began", async () => {
    // A reader of its own (an engine that joins nothing), so that the node's scheduled reads do not count.
    const probe = new DhtEngine({})
    await probe.start()
    try {
      const channels = new Channels({ engine: probe, getter: new Getter(probe), putter: new Putter(probe), seq: new SeqClock(), chainId, blockTimeS: BLOCK_TIME_S })
      const endpoint = node!.ctx.peers.get(friend.publicKey)!.endpoint!
      const readDemand = async (previousSlotGraceMs?: number): Promise<number> => {
        const sent = probe.stats.requests.direct
        expect(await channels.read(friend.publicKey, 'demand', { endpoint, ownerAnswerFinal: true, previousSlotGraceMs })).to.equal(null)
        return probe.stats.requests.direct - sent
      }
      expect(await readDemand(), 'no grace given: both slots').to.equal(2)
      expect(await readDemand(BLOCK_TIME_S * 1000), 'still within the grace: both slots').to.equal(2)
      expect(await readDemand(0), 'past the grace: the current slot only').to.equal(1)
      expect(probe.stats.requests.recursive, 'the owner\'s answers ended every get').to.equal(0)
    } finally {
      await probe.stop()
    }
  })

  it('a new tip whose push was lost is read within the unchanged-tip back-off cap', async () => {
    const ctx = node!.ctx
    const signals = ctx.router.counts.get('TIP_BLOCK_FROM_PEER_FOR_MINING') ?? 0
    const h = new Uint8Array(32).fill(2)
    const t0 = Date.now()
    publish('blkTip', tip(2, 2))
    const bound = BLKTIP_UNCHANGED_BACKOFF_MAX_MS + READER_TICK_MS
    await waitFor(() => { const t = ctx.peers.get(friend.publicKey)?.tip; return t !== undefined && bytesEqual(t.id, h) }, { timeoutMs: bound + SLACK_MS, what: 'the new tip to be read' })
    expect(Date.now() - t0).to.be.at.most(bound + SLACK_MS)
    expect(node!.readers.pushed.tips, 'it came by a read').to.equal(1)
    expect(ctx.router.counts.get('TIP_BLOCK_FROM_PEER_FOR_MINING') ?? 0).to.be.greaterThan(signals)
  })

  it('a txTip that appears after its reads backed off is read within the empty-channel back-off cap', async () => {
    const ctx = node!.ctx
    const signals = ctx.router.counts.get('TIP_TX_FOR_MINING') ?? 0
    const t0 = Date.now()
    publish('txTip', { x: [new Uint8Array(32).fill(5)] })
    const bound = EMPTY_CHANNEL_BACKOFF_MAX_MS + READER_TICK_MS
    await waitFor(() => (ctx.router.counts.get('TIP_TX_FOR_MINING') ?? 0) > signals, { timeoutMs: bound + SLACK_MS, what: 'the txTip to be read' })
    expect(Date.now() - t0).to.be.at.most(bound + SLACK_MS)
    expect(node!.readers.pushed.items, 'it came by a read').to.equal(0)
  })
})
