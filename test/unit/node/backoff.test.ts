import { expect } from 'chai'
import { backoffMs } from '../../../node/backoff.js'

describe('node/backoff', () => {
  it('doubles from the base per miss, stops at the cap, and never goes below the base', () => {
    expect([0, 1, 2, 3, 4, 5, 100].map(m => backoffMs(3000, m, 24_000))).to.deep.equal([3000, 6000, 12_000, 24_000, 24_000, 24_000, 24_000])
    expect(backoffMs(3000, 2, 1000)).to.equal(3000) // a cap below the base leaves the base
  })
})
