// node/memory.ts: the full GC after a long sync collects the garbage a sync leaves (here 300,000
// dropped objects, ~100 MB) without --expose-gc on the command line, and logs what it gave back.
import { expect } from 'chai'
import { releaseAfterSync } from '../../../node/memory.js'

describe('node/memory releaseAfterSync', () => {
  it('runs a full GC without --expose-gc and logs heap and RSS before and after', () => {
    expect((globalThis as { gc?: unknown }).gc).to.equal(undefined) // not exposed to the test itself
    let garbage: Array<{ a: number[], s: string }> | null = []
    for (let i = 0; i < 300_000; i++) garbage.push({ a: new Array<number>(20).fill(i), s: `x${i}` })
    expect(garbage.length).to.equal(300_000)
    garbage = null
    const logged: Array<{ msg: string, meta?: Record<string, unknown> }> = []
    releaseAfterSync({ info: (msg, meta) => { logged.push({ msg, meta }) } })
    expect(logged).to.have.length(1)
    expect(logged[0].msg).to.equal('memory released after sync')
    const [before, after] = logged[0].meta?.heapUsedMB as [number, number]
    expect(before - after).to.be.greaterThan(40) // the dropped objects were collected
    expect(logged[0].meta?.ms).to.be.a('number')
    // A second call reuses the exposed gc.
    releaseAfterSync({ info: (msg, meta) => { logged.push({ msg, meta }) } })
    expect(logged).to.have.length(2)
  })
})
