// TxPrefetch (node/pipelines/txPrefetch.ts): a branch's transactions fetched in import order, at most
// `limit` at once; a fetch that came back empty is asked again only while the peer delivers the
// branch's other transactions, within the per-transaction tries and the walk's budget.
import { expect } from 'chai'
import { toHex } from '../../../chain/hex.js'
import type { Transaction } from '../../../chain/tx.js'
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
    const prefetch = new TxPrefetch(p.fetch, () => false, 5, { attempts: 3, budget: 8 })
    prefetch.want(blocks.flatMap(b => b.x))
    const got = await prefetch.take(blocks)
    expect([...got!.keys()]).to.deep.equal(ids)
    expect(p.peak()).to.equal(5)
    expect(prefetch.peakActive).to.equal(5)
    expect([...p.calls.values()].every(n => n === 1)).to.equal(true)
    expect(prefetch.retries).to.equal(0)
  })

  it('asks again for a lost answer while the peer delivers the others, up to the tries', async () => {
    const lost = new Set([ids[3], ids[10], ids[17]])
    const p = peer(k => lost.has(k) ? 2 : 0)
    const prefetch = new TxPrefetch(p.fetch, () => false, 4, { attempts: 3, budget: 16 })
    const got = await prefetch.take(blocks)
    expect(got?.size).to.equal(ids.length)
    for (const k of lost) expect(p.calls.get(k)).to.equal(3)
    expect(prefetch.retries).to.equal(6)
  })

  it('gives up (null) once an id\'s tries or the walk\'s budget are spent', async () => {
    const p = peer(k => k === ids[5] ? 5 : 0)
    expect(await new TxPrefetch(p.fetch, () => false, 4, { attempts: 3, budget: 16 }).take(blocks)).to.equal(null)
    expect(p.calls.get(ids[5])).to.equal(3)
    const q = peer(k => ids.indexOf(k) % 2 === 1 ? 2 : 0) // every other one is lost twice
    const prefetch = new TxPrefetch(q.fetch, () => false, 4, { attempts: 3, budget: 4 })
    expect(await prefetch.take(blocks)).to.equal(null)
    expect(prefetch.retries).to.equal(4)
  })

  it('never asks again a peer that delivers none of the branch', async () => {
    const p = peer(() => Infinity)
    const prefetch = new TxPrefetch(p.fetch, () => false, 4, { attempts: 3, budget: 64 })
    expect(await prefetch.take(blocks)).to.equal(null)
    expect(prefetch.retries).to.equal(0)
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
