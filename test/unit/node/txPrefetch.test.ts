// TxPrefetch (node/pipelines/txPrefetch.ts): a branch's transactions fetched in import order, at most
// `limit` at once; a fetch that came back empty is asked again only while the peer delivers the
// branch's other transactions, within the per-transaction tries and the walk's budget.
import { expect } from 'chai'
import { toHex } from '../../../chain/hex.js'
import type { Transaction } from '../../../chain/tx.js'
import { WalkRetries } from '../../../node/pipelines/syncRetry.js'
import { TxPrefetch } from '../../../node/pipelines/txPrefetch.js'
import { ChainBuilder, testNet } from '../../helpers/chainBuilder.js'

describe('TxPrefetch', () => {
  const builder = new ChainBuilder(testNet())
  const built = builder.extend(builder.root, 6, { txs: 4 })
  const blocks = built.map(b => b.block)
  const byId = new Map(built.flatMap(b => b.block.x.map((id, i) => [toHex(id), b.txs[i]] as const)))
  const tick = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

  /**
   * A peer holding the built transactions: `lose(id)` says how many of an id's asks go unanswered
   * first; every answer comes a turn later, so fetches overlap. Counts asks per id and the most
   * asks out at once.
   */
  const peer = (lose: (k: string) => number): { fetch: (id: Uint8Array) => Promise<Transaction | null>, calls: Map<string, number>, peak: () => number } => {
    const calls = new Map<string, number>()
    let out = 0
    let peak = 0
    return {
      calls,
      peak: () => peak,
      fetch: async id => {
        const k = toHex(id)
        const n = (calls.get(k) ?? 0) + 1
        calls.set(k, n)
        out++
        peak = Math.max(peak, out)
        await tick()
        await tick()
        out--
        return n > lose(k) ? byId.get(k) ?? null : null
      }
    }
  }
  const ids = blocks.flatMap(b => b.x).map(toHex)

  it('gets every transaction of the blocks, in their order, never more than `limit` at once', async () => {
    const p = peer(() => 0)
    const prefetch = new TxPrefetch(p.fetch, () => false, 5, new WalkRetries({ attempts: 3, budget: 8 }))
    prefetch.want(blocks.flatMap(b => b.x))
    const got = await prefetch.take(blocks)
    expect([...got!.keys()]).to.deep.equal(ids)
    expect(p.peak()).to.equal(5)
    expect(prefetch.peakActive).to.equal(5)
    expect([...p.calls.values()].every(n => n === 1)).to.equal(true)
    expect(prefetch.retries.retries).to.equal(0)
  })

  it('asks again for a lost answer while the peer delivers the others, up to the tries', async () => {
    const lost = new Set([ids[3], ids[10], ids[17]])
    const p = peer(k => lost.has(k) ? 2 : 0)
    const prefetch = new TxPrefetch(p.fetch, () => false, 4, new WalkRetries({ attempts: 3, budget: 16 }))
    const got = await prefetch.take(blocks)
    expect(got?.size).to.equal(ids.length)
    for (const k of lost) expect(p.calls.get(k)).to.equal(3)
    expect(prefetch.retries.retries).to.equal(6)
  })

  it('gives up (null) once an id\'s tries or the walk\'s budget are spent', async () => {
    const p = peer(k => k === ids[5] ? 5 : 0)
    expect(await new TxPrefetch(p.fetch, () => false, 4, new WalkRetries({ attempts: 3, budget: 16 })).take(blocks)).to.equal(null)
    expect(p.calls.get(ids[5])).to.equal(3)
    const q = peer(k => ids.indexOf(k) % 2 === 1 ? 2 : 0) // every other one is lost twice
    const prefetch = new TxPrefetch(q.fetch, () => false, 4, new WalkRetries({ attempts: 3, budget: 4 }))
    expect(await prefetch.take(blocks)).to.equal(null)
    expect(prefetch.retries.retries).to.equal(4)
  })

  it('never asks again a peer that delivers none of the branch', async () => {
    const p = peer(() => Infinity)
    const prefetch = new TxPrefetch(p.fetch, () => false, 4, new WalkRetries({ attempts: 3, budget: 64 }))
    expect(await prefetch.take(blocks)).to.equal(null)
    expect(prefetch.retries.retries).to.equal(0)
    expect([...p.calls.values()].every(n => n === 1)).to.equal(true)
  })

  it('never fetches what is stored', async () => {
    const p = peer(() => 0)
    const stored = new Set(blocks[0].x.map(toHex))
    const got = await new TxPrefetch(p.fetch, id => stored.has(toHex(id)), 4).take(blocks)
    expect(got?.size).to.equal(ids.length - 4)
    expect([...p.calls.keys()].some(k => stored.has(k))).to.equal(false)
  })
})

describe('WalkRetries (a walk\'s block fetches)', () => {
  /** A get that comes back empty `misses` times, then answers `value`; counts its calls. */
  const getter = (misses: number, value = 'block'): { get: () => Promise<string | null>, calls: () => number } => {
    let n = 0
    return { get: async () => ++n > misses ? value : null, calls: () => n }
  }

  it('asks again only after another item of the walk arrived, and within its tries', async () => {
    const r = new WalkRetries({ attempts: 3, budget: 10 })
    const lonely = getter(1)
    expect(await r.fetch(lonely.get, () => false)).to.equal(null) // nothing delivered yet: no retry
    expect(lonely.calls()).to.equal(1)
    expect(await r.fetch(getter(0).get, () => false)).to.equal('block')
    // A get that was first asked before that delivery is retried when it fails.
    const first = r.delivered - 1
    expect(r.again(1, first)).to.equal(true)
    const slow = getter(2)
    const pending = r.fetch(slow.get, () => false)
    r.delivered++ // another item arrives while it is out
    expect(await pending).to.equal('block')
    expect(slow.calls()).to.equal(3)
    const never = getter(5)
    const p2 = r.fetch(never.get, () => false)
    r.delivered++
    expect(await p2).to.equal(null)
    expect(never.calls()).to.equal(3)
  })

  it('shares its budget between the walk\'s blocks and transactions, and stops when told', async () => {
    const r = new WalkRetries({ attempts: 3, budget: 2 })
    r.delivered = 1
    const first = 0
    expect(r.again(1, first)).to.equal(true)
    expect(r.again(1, first)).to.equal(true)
    expect(r.again(1, first)).to.equal(false) // budget spent
    const r2 = new WalkRetries({ attempts: 3, budget: 10 })
    const g = getter(1)
    const p = r2.fetch(g.get, () => true)
    r2.delivered++
    expect(await p).to.equal(null)
    expect(g.calls()).to.equal(1)
  })
})
