// The one wait-with-deadline (scripts/testnet/wait.ts) and the tests' default (test/helpers/wait.ts).
import { expect } from 'chai'
import { AbortedError, TimeoutError, waitFor } from '../../../../scripts/testnet/wait.js'
import { waitFor as testWaitFor } from '../../../helpers/wait.js'

async function failure (p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected the wait to fail')
}

describe('wait with a deadline', () => {
  it('returns the first value that is not undefined, false or null', async () => {
    const answers = [undefined, false, null, 0, 7]
    let calls = 0
    const v = await waitFor(() => answers[calls++], { timeoutMs: 2_000, intervalMs: 1 })
    expect(v).to.equal(0) // 0 is a value
    expect(calls).to.equal(4)
  })

  it('times out with a coded TimeoutError naming what it waited for and what was seen', async () => {
    let calls = 0
    const started = Date.now()
    const e = await failure(waitFor(() => { calls++; return undefined }, { timeoutMs: 100, intervalMs: 10, what: 'height 5', describe: () => 'node a at 3' }))
    expect(e).to.be.instanceOf(TimeoutError)
    expect((e as TimeoutError).code).to.equal('WAIT_TIMEOUT')
    expect(e.message).to.equal('timed out after 100 ms waiting for height 5\nnode a at 3')
    expect(Date.now() - started).to.be.at.least(90)
    expect(calls).to.be.within(2, Math.ceil(100 / 10) + 1) // the count bound beside the clock
  })

  it('a probe that throws ends the wait at once, unless errors are retried', async () => {
    let calls = 0
    const boom = (): never => { calls++; throw new Error('node b exited') }
    const e = await failure(waitFor(boom, { timeoutMs: 5_000, intervalMs: 1 }))
    expect(e.message).to.equal('node b exited')
    expect(calls).to.equal(1)

    const r = await failure(waitFor(boom, { timeoutMs: 50, intervalMs: 5, retryErrors: true, what: 'health' }))
    expect(r).to.be.instanceOf(TimeoutError)
    expect(r.message).to.equal('timed out after 50 ms waiting for health (last error: node b exited)')
    expect(calls).to.be.greaterThan(2)
  })

  it('stops with AbortedError when its signal aborts, even while retrying errors', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 30)
    const started = Date.now()
    const e = await failure(waitFor(() => undefined, { timeoutMs: 10_000, intervalMs: 5, signal: ac.signal, retryErrors: true }))
    expect(e).to.be.instanceOf(AbortedError)
    expect((e as AbortedError).code).to.equal('WAIT_ABORTED')
    expect(Date.now() - started).to.be.below(5_000)
  })

  it('tests retry a throwing probe by default (a node still starting)', async () => {
    let calls = 0
    const v = await testWaitFor(() => { if (++calls < 3) throw new Error('ECONNREFUSED'); return 'up' }, { timeoutMs: 2_000, intervalMs: 1 })
    expect(v).to.equal('up')
    expect(calls).to.equal(3)
  })
})
