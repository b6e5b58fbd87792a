// The explorer's pure helpers: what a search string is, number and memo text, chart series.
import { expect } from 'chai'
import { amount, classifySearch, memoText, short } from '../../../../node/ui/src/format.js'
import { blockSeries } from '../../../../node/ui/src/blockSeries.js'

describe('node/ui: explorer helpers', () => {
  it('classifies a search: height, 64 hex (lowercased), or invalid', () => {
    expect(classifySearch(' 42 ')).to.deep.equal({ kind: 'height', height: 42 })
    expect(classifySearch('AB'.repeat(32))).to.deep.equal({ kind: 'hex', hex: 'ab'.repeat(32) })
    for (const bad of ['', 'abc', '1'.repeat(16), 'g'.repeat(64), 'a'.repeat(63), '-1']) expect(classifySearch(bad).kind, bad).to.equal('invalid')
  })

  it('groups amounts exactly, shortens hex, decodes printable memos only', () => {
    expect(amount('1000000000000000000001')).to.equal('1,000,000,000,000,000,000,001')
    expect(amount('999')).to.equal('999')
    expect(amount(undefined)).to.equal('–')
    expect(short('ab'.repeat(32))).to.equal('abababab…abab')
    expect(memoText(Buffer.from('hello tau').toString('hex'))).to.equal('hello tau')
    expect(memoText('00ff')).to.equal(undefined)
    expect(memoText('')).to.equal(undefined)
  })

  it('chart series: interval to the parent, base target, the block\'s own difficulty; gaps skipped', () => {
    const s = blockSeries([
      { height: 4, time: 140, baseTarget: '90', cumulativeDifficulty: '450' },
      { height: 3, time: 125, baseTarget: '100', cumulativeDifficulty: '330' },
      { height: 1, time: 100, baseTarget: '100', cumulativeDifficulty: '100' },
      { height: 2, time: 110, baseTarget: '110', cumulativeDifficulty: '210' }
    ])
    expect(s.x).to.deep.equal([110, 125, 140])
    expect(s.interval).to.deep.equal([10, 15, 15])
    expect(s.baseTarget).to.deep.equal([110, 100, 90])
    expect(s.difficulty).to.deep.equal([110, 120, 120])
    expect(blockSeries([{ height: 5, time: 1, baseTarget: '1', cumulativeDifficulty: '1' }, { height: 3, time: 0, baseTarget: '1', cumulativeDifficulty: '0' }]).x).to.deep.equal([])
  })
})
