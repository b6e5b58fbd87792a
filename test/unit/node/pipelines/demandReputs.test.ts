// The demand responder's re-put gate (node/pipelines/demand.ts RePuts): an item asked for again is
// put again only after a gap that doubles with each re-put up to its cap, and starts over once
// nobody asked for it during a whole longest gap.
import { expect } from 'chai'
import { REPUT_AFTER_MAX_MS, REPUT_AFTER_MS } from '../../../../node/constants.js'
import { RePuts } from '../../../../node/pipelines/demand.js'

describe('node/pipelines/demand RePuts', () => {
  it('doubles the gap with each re-put, up to REPUT_AFTER_MAX_MS', () => {
    let now = 1_000_000
    const g = new RePuts(() => now)
    expect(g.take('a')).to.equal(true)
    const puts = [now]
    // Asked every second for 10 minutes: the puts' gaps are 10, 20, 40, 80, 160, 160 ... s.
    for (let i = 0; i < 600; i++) { now += 1000; if (g.take('a')) puts.push(now) }
    const gaps = puts.slice(1).map((t, i) => t - puts[i])
    expect(gaps.slice(0, 5)).to.deep.equal([1, 2, 4, 8, 16].map(f => f * REPUT_AFTER_MS))
    for (const gap of gaps.slice(5)) expect(gap).to.equal(REPUT_AFTER_MAX_MS)
    expect(puts.length).to.be.below(600 * 1000 / REPUT_AFTER_MS / 4)
  })

  it('keeps items apart, and starts over after a whole longest gap without a request', () => {
    let now = 0
    const g = new RePuts(() => now)
    expect(g.take('a')).to.equal(true)
    expect(g.take('b')).to.equal(true)
    expect(g.take('a')).to.equal(false)
    now += REPUT_AFTER_MS
    expect(g.take('a')).to.equal(true) // the gap after this put is 2 × REPUT_AFTER_MS
    now += 2 * REPUT_AFTER_MS + REPUT_AFTER_MAX_MS + 1
    expect(g.take('a')).to.equal(true) // nobody asked for a longest gap: the next gap is the first one again
    now += REPUT_AFTER_MS
    expect(g.take('a')).to.equal(true)
  })
})
