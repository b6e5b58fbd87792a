// The testnet dashboard's pure parts: --dashboard [PORT] parsing, propagation percentiles and the
// sample ring, and the timeline layout that puts forks on branch lanes.
import { expect } from 'chai'
import { ArgsError, parseTestnetArgs } from '../../../../scripts/testnet/args.js'
import { DEFAULT_DASHBOARD_PORT } from '../../../../scripts/testnet/dashboard/constants.js'
import { SampleRing, percentile } from '../../../../scripts/testnet/dashboard/stats.js'
import { layoutTimeline } from '../../../../node/ui/src/netdash/layout.js'

describe('testnet dashboard', () => {
  it('--dashboard takes an optional port (next word or =PORT) and is off by default', () => {
    expect(parseTestnetArgs([]).dashboard).to.equal(undefined)
    expect(parseTestnetArgs(['--dashboard']).dashboard).to.equal(DEFAULT_DASHBOARD_PORT)
    expect(parseTestnetArgs(['--dashboard', '--nodes', '3']).dashboard).to.equal(DEFAULT_DASHBOARD_PORT)
    const a = parseTestnetArgs(['--dashboard', '9123', '--nodes', '3'])
    expect(a.dashboard).to.equal(9123)
    expect(a.nodes).to.equal(3)
    expect(parseTestnetArgs(['--dashboard=0']).dashboard).to.equal(0)
    expect(() => parseTestnetArgs(['--dashboard=abc'])).to.throw(ArgsError, /whole number/)
    expect(() => parseTestnetArgs(['--dashboard', '70000'])).to.throw(ArgsError, /between 0 and 65535/)
  })

  it('percentiles by nearest rank; none without samples', () => {
    expect(percentile([], 50)).to.equal(null)
    const xs = [50, 10, 40, 30, 20, 100, 90, 80, 70, 60]
    expect(percentile(xs, 50)).to.equal(50)
    expect(percentile(xs, 95)).to.equal(100)
    expect(percentile([7], 95)).to.equal(7)
  })

  it('the sample ring keeps the newest `cap` values', () => {
    const r = new SampleRing(3)
    for (const v of [1, 2, 3, 4, 5]) r.add(v)
    expect([...r.values].sort()).to.deep.equal([3, 4, 5])
  })

  it('timeline: the main tip\'s chain on lane 0, a two-block fork on one branch lane, joined to its parents', () => {
    const b = (id: string, parent: string, height: number): { id: string, parent: string, height: number } => ({ id, parent, height })
    const blocks = [b('a1', 'g', 1), b('a2', 'a1', 2), b('a3', 'a2', 3), b('a4', 'a3', 4), b('f3', 'a2', 3), b('f4', 'f3', 4), b('x4', 'a3', 4)]
    const lay = layoutTimeline(blocks, 'a4')
    const lane = (id: string): number => lay.placed.find(p => p.block.id === id)?.lane ?? -1
    expect(['a1', 'a2', 'a3', 'a4'].map(lane)).to.deep.equal([0, 0, 0, 0])
    expect(lay.placed.filter(p => p.main).map(p => p.block.id).sort()).to.deep.equal(['a1', 'a2', 'a3', 'a4'])
    expect(lane('f3')).to.be.greaterThan(0)
    expect(lane('f4'), 'a fork continues on its lane').to.equal(lane('f3'))
    expect(lane('x4'), 'a sibling fork at the same height takes another lane').to.not.equal(lane('f4'))
    expect(lane('x4')).to.be.greaterThan(0)
    expect(lay.lanes).to.equal(3)
    const edge = (from: string, to: string): boolean => lay.edges.some(e => e.from.block.id === from && e.to.block.id === to)
    expect(edge('a2', 'f3') && edge('f3', 'f4') && edge('a3', 'x4') && edge('a3', 'a4')).to.equal(true)
    expect(edge('g', 'a1'), 'no edge to a block that is not kept').to.equal(false)
    expect([lay.minHeight, lay.maxHeight]).to.deep.equal([1, 4])
  })

  it('timeline: without a known main tip every block is on a branch, and a parent cycle cannot loop', () => {
    const lay = layoutTimeline([{ id: 'p', parent: 'q', height: 2 }, { id: 'q', parent: 'p', height: 1 }], 'p')
    expect(lay.placed).to.have.length(2)
    expect(layoutTimeline([{ id: 'p', parent: 'z', height: 1 }], null).placed[0].main).to.equal(false)
    expect(layoutTimeline([], null)).to.include({ lanes: 1, minHeight: 0, maxHeight: 0 })
  })
})
