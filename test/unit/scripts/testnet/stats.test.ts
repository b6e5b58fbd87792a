import { expect } from 'chai'
import type { MinedEvent } from '../../../../scripts/testnet/logEvents.js'
import { blockIntervalsS, mainChainFromLogs, mean, percentile } from '../../../../scripts/testnet/stats.js'

const ev = (id: string, height: number, timeS: number, parent?: string): MinedEvent => ({ id, height, timeMs: timeS * 1000, ...(parent !== undefined ? { parent } : {}) })

describe('testnet summary statistics', () => {
  it('mean and nearest-rank percentiles', () => {
    expect(mean([])).to.equal(null)
    expect(mean([2, 4, 9])).to.equal(5)
    expect(percentile([], 95)).to.equal(null)
    const oneTo20 = Array.from({ length: 20 }, (_, i) => 20 - i)
    expect(percentile(oneTo20, 95)).to.equal(19)
    expect(percentile(oneTo20, 100)).to.equal(20)
    expect(percentile(oneTo20, 50)).to.equal(10)
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).to.equal(95)
    expect(percentile([7], 95)).to.equal(7)
    expect(() => percentile([1], 0)).to.throw(RangeError)
  })

  it('rebuilds the main chain by parent links, skipping the losing branch', () => {
    const mined = [ev('a1', 1, 10, 'g'), ev('a2', 2, 20, 'a1'), ev('b2', 2, 21, 'a1'), ev('b3', 3, 33, 'b2'), ev('a3', 3, 30, 'a2')]
    const chain = mainChainFromLogs(mined, 'b3', new Map())
    expect(chain.method).to.equal('parent-links')
    expect(chain.blocks.map(b => b.id)).to.deep.equal(['a1', 'b2', 'b3'])
    expect(blockIntervalsS(chain.blocks)).to.deep.equal([11, 12])
  })

  it('without parent links takes, per height, the block most nodes imported, and the tip', () => {
    const mined = [ev('a1', 1, 10), ev('a2', 2, 20), ev('b2', 2, 21), ev('b3', 3, 33), ev('x4', 4, 40)]
    const imports = new Map([['a1', 3], ['a2', 1], ['b2', 3], ['b3', 3]])
    const chain = mainChainFromLogs(mined, 'b3', imports)
    expect(chain.method).to.equal('per-height')
    expect(chain.blocks.map(b => b.id)).to.deep.equal(['a1', 'b2', 'b3'])
  })

  it('only counts intervals between adjacent heights', () => {
    expect(blockIntervalsS([ev('a', 1, 0), ev('b', 2, 10), ev('d', 4, 50)])).to.deep.equal([10])
    expect(blockIntervalsS([])).to.deep.equal([])
  })
})
