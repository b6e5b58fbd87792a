// The sync queue's first stage (issue 14, item 1): a claimed tip buys nothing until its block is
// fetched and checked. Real signed blocks (chain builder) and a real Chain in a temp dir; the fetch
// is a function here because this is the queue's ordering and back-off logic, not the network
// (test/network/hostile-tips.test.ts runs the same against real node processes).
import { expect } from 'chai'
import { join } from 'node:path'
import type { Block } from '../../../chain/block.js'
import { signBlock } from '../../../chain/block.js'
import { Chain } from '../../../chain/chain.js'
import { toHex } from '../../../chain/hex.js'
import { TipProbes, type TipProbeDeps } from '../../../node/pipelines/syncTips.js'
import { checkTipBlock } from '../../../node/pipelines/tipCheck.js'
import { SYNC_MAX_CANDIDATES, SYNC_TIP_MISS_BACKOFF_MS, SYNC_TIP_PROBE_CONCURRENCY } from '../../../node/constants.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'
import { waitFor } from '../../helpers/wait.js'

const claimOf = (b: Block, id: Uint8Array): { id: Uint8Array, n: number, d: bigint } => ({ id, n: b.n, d: b.d })
const peerKey = (i: number): Uint8Array => new Uint8Array(32).fill(i + 1)

describe('sync: tip blocks are checked before they count', () => {
  const net = testNet()
  const builder = new ChainBuilder(net)
  const main = builder.extend(builder.root, 6, { speed: 'fast' })
  let dir: string
  let chain: Chain

  before(async () => {
    dir = makeTmpDir()
    chain = await Chain.open(join(dir, 'chain'), net.genesis, { now: () => TEST_NOW })
    const r = await chain.importBranch(main.slice(0, 3).map(b => b.block), builder.txMap(main.slice(0, 3)))
    expect(r.kind).to.equal('extended')
  })
  after(async () => {
    await chain.close()
    removeDir(dir)
  })

  describe('checkTipBlock', () => {
    it('a child of a block we hold is checked in full (anchored); a block further up only by its signature', () => {
      expect(checkTipBlock(main[3].block, claimOf(main[3].block, main[3].id), chain, TEST_NOW)).to.deep.equal({ kind: 'checked', anchored: true })
      expect(checkTipBlock(main[5].block, claimOf(main[5].block, main[5].id), chain, TEST_NOW)).to.deep.equal({ kind: 'checked', anchored: false })
    })

    it('a block that is not what its claim says, or is badly signed, or of another chain, is bad', () => {
      const b = main[5].block
      expect(checkTipBlock(b, { id: main[5].id, n: b.n, d: b.d * 1000n }, chain, TEST_NOW)).to.deep.equal({ kind: 'bad', code: 'SYNC_TIP_CLAIM_MISMATCH' })
      expect(checkTipBlock(b, { id: main[5].id, n: b.n + 1, d: b.d }, chain, TEST_NOW)).to.deep.equal({ kind: 'bad', code: 'SYNC_TIP_CLAIM_MISMATCH' })
      const forgedSig = { ...b, s: new Uint8Array(64).fill(3) }
      expect(checkTipBlock(forgedSig, claimOf(b, main[5].id), chain, TEST_NOW)).to.deep.equal({ kind: 'bad', code: 'BLOCK_BAD_SIGNATURE' })
      const other = signBlock({ ...b, c: new Uint8Array(16).fill(9) }, net.keys[0].secretKey)
      expect(checkTipBlock(other, claimOf(other, main[5].id), chain, TEST_NOW).kind).to.equal('bad')
    })

    it('a signed child of a block we hold with a header that fails is reported with its code', () => {
      const b = main[3].block
      // Signed by a key with power, but claiming 4× the difficulty its parent allows.
      const lying = signBlock({ ...b, d: b.d * 4n }, net.keys[0].secretKey)
      expect(checkTipBlock(lying, claimOf(lying, main[3].id), chain, TEST_NOW)).to.deep.equal({ kind: 'failsHeader', code: 'BLOCK_BAD_DIFFICULTY' })
    })
  })

  describe('TipProbes', () => {
    interface Harness { probes: TipProbes, fetched: string[], missed: string[], bad: string[], taken: Set<string>, ready: number, clock: { ms: number }, abort: AbortController }
    function harness (fetch: TipProbeDeps['fetch']): Harness {
      const h = { fetched: [] as string[], missed: [] as string[], bad: [] as string[], taken: new Set<string>(), ready: 0, clock: { ms: 1_000_000 }, abort: new AbortController() }
      const probes = new TipProbes({
        fetch: async (peer, id) => { h.fetched.push(toHex(peer)); return await fetch(peer, id) },
        check: (block, claim) => checkTipBlock(block, claim, chain, TEST_NOW),
        ourD: () => chain.tip().d,
        known: id => chain.hasBlock(id),
        taken: id => h.taken.has(toHex(id)),
        missed: peer => { h.missed.push(toHex(peer)) },
        bad: (peer, code) => { h.bad.push(`${toHex(peer)}:${code}`) },
        ready: () => { h.ready++ },
        now: () => h.clock.ms,
        signal: h.abort.signal
      })
      return { probes, ...h, get ready () { return h.ready } } as unknown as Harness
    }

    it('orders by the fetched block, not the claim: a huge claim whose block is missing never gets ahead', async () => {
      const byId = new Map([[toHex(main[5].id), main[5].block], [toHex(main[4].id), main[4].block]])
      const h = harness(async (_p, id) => byId.get(toHex(id)) ?? null)
      const ghost = new Uint8Array(32).fill(0xab)
      h.probes.offer(peerKey(0), { id: ghost, n: 99, d: 1n << 200n })
      h.probes.offer(peerKey(1), claimOf(main[4].block, main[4].id))
      h.probes.offer(peerKey(2), claimOf(main[5].block, main[5].id))
      h.probes.offer(peerKey(2), claimOf(main[5].block, main[5].id)) // re-announced while being fetched
      await waitFor(() => h.probes.pending === 0, { timeoutMs: 2000, what: 'probes to finish' })
      h.probes.offer(peerKey(1), claimOf(main[4].block, main[4].id)) // re-announced once fetched
      await new Promise(resolve => setImmediate(resolve))
      expect(h.fetched.length, 'each tip block fetched once').to.equal(3)
      const best = h.probes.takeBest()
      expect(best?.block.n).to.equal(5 + 1) // main[5] is height 6: the most difficulty actually fetched
      expect(best?.hold).to.equal(true)
      expect(h.probes.takeBest()?.block.n).to.equal(5)
      expect(h.probes.takeBest()).to.equal(undefined)
      expect(h.missed).to.deep.equal([toHex(peerKey(0))])
    })

    it('leaves a tip the mining pipeline is taking, and takes it when offered again after that ended', async () => {
      const h = harness(async (_p, id) => toHex(id) === toHex(main[4].id) ? main[4].block : null)
      h.taken.add(toHex(main[4].id))
      h.probes.offer(peerKey(1), claimOf(main[4].block, main[4].id))
      await waitFor(() => h.probes.pending === 0, { timeoutMs: 2000, what: 'the probe to finish' })
      expect(h.probes.takeBest(), 'taken by mining').to.equal(undefined)
      h.taken.clear()
      h.probes.offer(peerKey(1), claimOf(main[4].block, main[4].id))
      await waitFor(() => h.probes.pending === 0, { timeoutMs: 2000, what: 'the probe to finish' })
      expect(h.probes.takeBest()?.block.n).to.equal(5)
    })

    it('a peer whose tip block misses backs off, doubling, whatever new tips it publishes', async () => {
      const h = harness(async () => null)
      const liar = peerKey(7)
      const claim = (i: number): { id: Uint8Array, n: number, d: bigint } => ({ id: new Uint8Array(32).fill(i), n: 50, d: 1n << 100n })
      h.probes.offer(liar, claim(1))
      await waitFor(() => h.probes.pending === 0, { timeoutMs: 2000, what: 'the first probe' })
      expect(h.probes.backingOff(liar)).to.equal(true)
      for (let i = 2; i < 10; i++) h.probes.offer(liar, claim(i)) // new tips every read: still backing off
      await new Promise(resolve => setImmediate(resolve))
      expect(h.fetched.length).to.equal(1)
      h.clock.ms += SYNC_TIP_MISS_BACKOFF_MS + 1
      h.probes.offer(liar, claim(11))
      await waitFor(() => h.fetched.length === 2 && h.probes.pending === 0, { timeoutMs: 2000, what: 'the second probe' })
      h.clock.ms += SYNC_TIP_MISS_BACKOFF_MS + 1 // the second miss doubles the wait
      h.probes.offer(liar, claim(12))
      await new Promise(resolve => setImmediate(resolve))
      expect(h.fetched.length).to.equal(2)
      expect(h.missed.length).to.equal(2)
      h.probes.stop()
    })

    it('keys whose tips keep missing cannot fill the claim set and shut out a peer that has not missed', async () => {
      const h = harness(async (_p, id) => toHex(id) === toHex(main[4].id) ? main[4].block : null)
      const ghost = (i: number, round: number): { id: Uint8Array, n: number, d: bigint } => ({ id: new Uint8Array(32).fill(round * 100 + i % 100), n: 60, d: 1n << 120n })
      const liars = Array.from({ length: SYNC_MAX_CANDIDATES }, (_, i) => new Uint8Array(32).fill(0).map((_, j) => j === 0 ? 0xee : j === 1 ? i : 0))
      liars.forEach((k, i) => h.probes.offer(k, ghost(i, 1)))
      await waitFor(() => h.probes.pending === 0, { timeoutMs: 5000, what: 'the liars probed once' })
      liars.forEach((k, i) => h.probes.offer(k, ghost(i, 2))) // new ghosts, waiting out their back-off
      expect(h.probes.pending).to.equal(SYNC_MAX_CANDIDATES)
      const fetchedBefore = h.fetched.length
      h.probes.offer(peerKey(30), claimOf(main[4].block, main[4].id))
      await waitFor(() => h.probes.takeBest()?.block.n === 5, { timeoutMs: 2000, what: 'the honest tip probed and ready' })
      expect(h.fetched.length).to.equal(fetchedBefore + 1)
      h.probes.stop()
    })

    it('at most SYNC_TIP_PROBE_CONCURRENCY fetches at once; a block unlike its claim is refused with its code', async () => {
      const gates: Array<() => void> = []
      const served = new Map([
        [toHex(main[3].id), signBlock({ ...main[3].block, d: main[3].block.d * 4n }, net.keys[0].secretKey)],
        [toHex(main[4].id), main[4].block]
      ])
      const h = harness(async (_p, id) => await new Promise(resolve => {
        gates.push(() => resolve(served.get(toHex(id)) ?? null))
      }))
      for (let i = 0; i < 8; i++) h.probes.offer(peerKey(i), { id: new Uint8Array(32).fill(i + 40), n: 9, d: 1n << 90n })
      await new Promise(resolve => setImmediate(resolve))
      expect(h.fetched.length).to.equal(SYNC_TIP_PROBE_CONCURRENCY)
      // A claim that matches no block it could name: refused, and the peer backs off too.
      h.probes.offer(peerKey(20), { id: main[3].id, n: main[3].block.n, d: main[3].block.d * 4n })
      h.probes.offer(peerKey(21), { id: main[4].id, n: main[4].block.n, d: main[4].block.d + 1n })
      for (let round = 0; round < 10 && gates.length > 0; round++) {
        for (const open of gates.splice(0)) open()
        await new Promise(resolve => setImmediate(resolve))
      }
      await waitFor(() => h.probes.pending === 0, { timeoutMs: 2000, what: 'every probe' })
      expect(h.fetched.length).to.equal(10)
      expect(h.bad).to.deep.equal([`${toHex(peerKey(21))}:SYNC_TIP_CLAIM_MISMATCH`])
      expect(h.probes.backingOff(peerKey(21))).to.equal(true)
      // The signed child with a wrong d is queued for the import to record, but never holds mining.
      const t = h.probes.takeBest()
      expect(t?.block.n).to.equal(4)
      expect(t?.hold).to.equal(false)
      expect(h.probes.backingOff(peerKey(20))).to.equal(false)
      expect(h.probes.takeBest()).to.equal(undefined)
    })
  })
})
