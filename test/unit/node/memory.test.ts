// node/memory.ts: the full GCs after a long sync collect the garbage a sync leaves (here 300,000
// dropped objects, ~100 MB) without --expose-gc on the command line, the second one after its delay,
// and one line logs heap and RSS before, after the first and after the second.
import { expect } from 'chai'
import { releaseAfterSync } from '../../../node/memory.js'

interface Logged { msg: string, meta?: Record<string, unknown> }
const DELAY_MS = 200
const WAIT_MS = 5_000

/** Resolves once `logged` holds `n` lines; throws after WAIT_MS. */
async function until (logged: Logged[], n: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS
  while (logged.length < n) {
    if (Date.now() > deadline) throw new Error(`only ${logged.length} of ${n} release lines within ${WAIT_MS} ms`)
    await new Promise(res => setTimeout(res, 20))
  }
}

describe('node/memory releaseAfterSync', () => {
  it('runs a full GC without --expose-gc, a second one after the delay, and logs heap and RSS at each step', async () => {
    expect((globalThis as { gc?: unknown }).gc).to.equal(undefined) // not exposed to the test itself
    let garbage: Array<{ a: number[], s: string }> | null = []
    for (let i = 0; i < 300_000; i++) garbage.push({ a: new Array<number>(20).fill(i), s: `x${i}` })
    expect(garbage.length).to.equal(300_000)
    garbage = null
    const logged: Logged[] = []
    const t0 = Date.now()
    releaseAfterSync({ info: (msg, meta) => { logged.push({ msg, meta }) } }, DELAY_MS)
    expect(logged).to.have.length(0) // the line comes once the second GC ran
    await until(logged, 1)
    expect(Date.now() - t0).to.be.at.least(DELAY_MS - 5)
    expect(logged[0].msg).to.equal('memory released after sync')
    const [before, first, second] = logged[0].meta?.heapUsedMB as [number, number, number]
    expect(before - first).to.be.greaterThan(40) // the first GC collected the dropped objects
    expect(second).to.be.at.most(first + 5) // the second found nothing new to hold
    expect(logged[0].meta?.rssMB).to.have.length(3)
    expect(logged[0].meta?.heapTotalMB).to.have.length(3)
    expect(logged[0].meta?.ms).to.be.a('number')
    // A second call reuses the exposed gc.
    releaseAfterSync({ info: (msg, meta) => { logged.push({ msg, meta }) } }, DELAY_MS)
    await until(logged, 2)
    expect(logged[1].msg).to.equal('memory released after sync')
  })
})
