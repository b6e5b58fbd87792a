// dht/cancel.ts: the get path's light stand-in for AbortController keeps the AbortSignal behaviour
// the queue, the retransmitting direct get and the engine's query rely on.
import { expect } from 'chai'
import { Canceller } from '../../../dht/cancel.js'
import { DhtError } from '../../../dht/errors.js'

describe('dht/cancel', () => {
  it('sets aborted and reason before the listeners run, and runs each listener once', () => {
    const c = new Canceller()
    const reason = new DhtError('DHT_TIMEOUT', 'late')
    const seen: unknown[] = []
    const fn = (): void => { seen.push([c.aborted, c.reason]) }
    c.signal.addEventListener('abort', fn, { once: true })
    c.signal.addEventListener('abort', fn) // the same listener twice is one listener, as on an EventTarget
    expect(c.aborted).to.equal(false)
    c.abort(reason)
    c.abort(new Error('second')) // a second abort changes nothing
    expect(seen).to.deep.equal([[true, reason]])
    expect(c.reason).to.equal(reason)
  })

  it('does not call a removed listener, nor one added after the abort', () => {
    const c = new Canceller()
    let removed = 0
    let late = 0
    let kept = 0
    const r = (): void => { removed++ }
    c.addEventListener('abort', r)
    c.addEventListener('abort', () => { kept++ })
    c.removeEventListener('abort', r)
    c.abort()
    c.addEventListener('abort', () => { late++ })
    expect([removed, kept, late]).to.deep.equal([0, 1, 0])
    expect((c.reason as Error).name).to.equal('AbortError')
  })

  it('a listener that throws does not keep the others from running; its error is reported on a later tick', async () => {
    const c = new Canceller()
    let after = 0
    const boom = new Error('listener failed')
    c.addEventListener('abort', () => { throw boom })
    c.addEventListener('abort', () => { after++ })
    const reported = new Promise<unknown>(resolve => {
      const prev = process.listeners('uncaughtException')
      process.removeAllListeners('uncaughtException')
      process.once('uncaughtException', e => {
        for (const l of prev) process.on('uncaughtException', l)
        resolve(e)
      })
    })
    c.abort()
    expect(after).to.equal(1)
    expect(await reported).to.equal(boom)
  })
})
