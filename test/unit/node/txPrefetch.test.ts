// TxPrefetch (node/pipelines/txPrefetch.ts): a branch's transactions fetched in import order, a
// bounded number at once, each tried again when a fetch comes back empty (a busy peer's late answer)
// before the sync gives up on it.
import { expect } from 'chai'
import { toHex } from '../../../chain/hex.js'
import type { Transaction } from '../../../chain/tx.js'
import { TxPrefetch } from '../../../node/pipelines/txPrefetch.js'
import { ChainBuilder, testNet } from '../../helpers/chainBuilder.js'

describe('TxPrefetch', () => {
  const builder = new ChainBuilder(testNet())
  const built = builder.extend(builder.root, 3, { txs: 2 })
  const blocks = built.map(b => b.block)
  const byId = new Map(built.flatMap(b => b.block.x.map((id, i) => [toHex(id), b.txs[i]] as const)))

  /** Answers each id after `misses` empty answers for it; counts the calls per id. */
  const flaky = (misses: number): { fetch: (id: Uint8Array) => Promise<Transaction | null>, calls: Map<string, number> } => {
    const calls = new Map<string, number>()
    return {
      calls,
      fetch: async id => {
        const k = toHex(id)
        const n = (calls.get(k) ?? 0) + 1
        calls.set(k, n)
        return n > misses ? byId.get(k) ?? null : null
      }
    }
  }

  it('gets every transaction of the blocks, in their order, when each fetch answers', async () => {
    const f = flaky(0)
    const got = await new TxPrefetch(f.fetch, () => false, 2, 3).take(blocks)
    expect([...got!.keys()]).to.deep.equal(blocks.flatMap(b => b.x).map(toHex))
    expect([...f.calls.values()].every(n => n === 1)).to.equal(true)
  })

  it('asks again for a transaction whose fetch came back empty, up to its attempts', async () => {
    const f = flaky(2)
    const got = await new TxPrefetch(f.fetch, () => false, 4, 3).take(blocks)
    expect(got?.size).to.equal(6)
    expect([...f.calls.values()].every(n => n === 3)).to.equal(true)
  })

  it('gives up (null) once the attempts are spent, and with one attempt asks once', async () => {
    const f = flaky(3)
    expect(await new TxPrefetch(f.fetch, () => false, 4, 3).take(blocks)).to.equal(null)
    expect(Math.max(...f.calls.values())).to.equal(3)
    const once = flaky(1)
    expect(await new TxPrefetch(once.fetch, () => false, 4).take(blocks.slice(0, 1))).to.equal(null)
    expect([...once.calls.values()]).to.deep.equal([1, 1])
  })

  it('never fetches what is stored', async () => {
    const f = flaky(0)
    const stored = new Set(blocks[0].x.map(toHex))
    const got = await new TxPrefetch(f.fetch, id => stored.has(toHex(id)), 4, 3).take(blocks)
    expect(got?.size).to.equal(4)
    expect([...f.calls.keys()].some(k => stored.has(k))).to.equal(false)
  })
})
