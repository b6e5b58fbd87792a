import { expect } from 'chai'
import type { CancelSignal } from '../../../dht/cancel.js'
import { UniqueQueue } from '../../../dht/queue.js'
import { DhtError, isDhtError } from '../../../dht/errors.js'

/** A task the test finishes by hand; counts how often it was started. */
function gate<T> (): { task: (s: CancelSignal) => Promise<T>, open: (v: T) => void, starts: () => number, signal: () => CancelSignal | undefined } {
  let starts = 0
  let resolve: ((v: T) => void) | undefined
  let sig: CancelSignal | undefined
  const p = new Promise<T>(r => { resolve = r })
  return {
    task: async (s) => { starts++; sig = s; return await p },
    open: (v) => resolve?.(v),
    starts: () => starts,
    signal: () => sig
  }
}

async function codeOf (p: Promise<unknown>): Promise<string> {
  try { await p } catch (e) { expect(e).to.be.instanceOf(DhtError); return (e as DhtError).code }
  return 'OK'
}

describe('dht/queue', () => {
  it('runs one job per key and shares its result with every caller', async () => {
    const q = new UniqueQueue<number>({ concurrency: 4, maxQueued: 4, timeoutMs: 5000 })
    const g = gate<number>()
    const all = Array.from({ length: 50 }, () => q.run('k', g.task))
    expect(q.size).to.equal(1)
    g.open(7)
    expect(await Promise.all(all)).to.deep.equal(new Array(50).fill(7))
    expect(g.starts()).to.equal(1)
    expect(q.deduped).to.equal(49)
    expect(q.size).to.equal(0)
  })

  it('bounds concurrency and the wait list; a full queue refuses with DHT_QUEUE_FULL', async () => {
    const q = new UniqueQueue<string>({ concurrency: 2, maxQueued: 2, timeoutMs: 5000 })
    const gates = Array.from({ length: 4 }, () => gate<string>())
    const ps = gates.map((g, i) => q.run(`k${i}`, g.task))
    expect(q.running).to.equal(2)
    expect(q.queued).to.equal(2)
    expect(await codeOf(q.run('k4', async () => 'x'))).to.equal('DHT_QUEUE_FULL')
    // joining a queued key is not a new job, so it is not refused
    const joined = q.run('k3', async () => 'never')
    gates[0].open('a')
    await ps[0]
    expect(gates[2].starts()).to.equal(1) // a slot freed, the next queued job started
    gates.slice(1).forEach((g, i) => g.open(String(i)))
    expect(await Promise.all([...ps.slice(1), joined])).to.deep.equal(['0', '1', '2', '2'])
    expect(q.size).to.equal(0)
  })

  it('aborts one caller without disturbing the others', async () => {
    const q = new UniqueQueue<number>({ concurrency: 1, maxQueued: 1, timeoutMs: 5000 })
    const g = gate<number>()
    const ac = new AbortController()
    const a = q.run('k', g.task, { signal: ac.signal })
    const b = q.run('k', g.task)
    ac.abort()
    expect(await codeOf(a)).to.equal('DHT_ABORTED')
    expect(g.signal()?.aborted).to.equal(false)
    g.open(1)
    expect(await b).to.equal(1)
    const pre = new AbortController(); pre.abort()
    expect(await codeOf(q.run('z', g.task, { signal: pre.signal }))).to.equal('DHT_ABORTED')
  })

  it('cancels a job when all its callers abort, and frees its slot', async () => {
    const q = new UniqueQueue<number>({ concurrency: 1, maxQueued: 1, timeoutMs: 5000 })
    const running = gate<number>()
    const queued = gate<number>()
    const ac1 = new AbortController()
    const ac2 = new AbortController()
    const p1 = q.run('run', running.task, { signal: ac1.signal })
    const p2 = q.run('wait', queued.task, { signal: ac2.signal })
    ac2.abort() // the queued job leaves the wait list without ever starting
    expect(await codeOf(p2)).to.equal('DHT_ABORTED')
    expect(q.queued).to.equal(0)
    ac1.abort()
    expect(await codeOf(p1)).to.equal('DHT_ABORTED')
    expect(running.signal()?.aborted).to.equal(true) // the task is told to stop
    expect(q.size).to.equal(0)
    expect(await q.run('next', async () => 5)).to.equal(5)
    expect(queued.starts()).to.equal(0)
  })

  it('times a job out for all its callers and aborts the task with DHT_TIMEOUT', async () => {
    const q = new UniqueQueue<number>({ concurrency: 2, maxQueued: 2, timeoutMs: 5000 })
    const g = gate<number>()
    const t0 = Date.now()
    const ps = [q.run('k', g.task, { timeoutMs: 50 }), q.run('k', g.task)]
    expect(await codeOf(ps[0])).to.equal('DHT_TIMEOUT')
    expect(await codeOf(ps[1])).to.equal('DHT_TIMEOUT')
    expect(Date.now() - t0).to.be.lessThan(2000)
    expect(isDhtError(g.signal()?.reason, 'DHT_TIMEOUT')).to.equal(true)
    g.open(1) // a late result is ignored
    expect(q.size).to.equal(0)
  })

  it('passes a task failure to every caller', async () => {
    const q = new UniqueQueue<number>({ concurrency: 1, maxQueued: 1, timeoutMs: 5000 })
    const boom = async (): Promise<number> => { throw new Error('boom') }
    const r = await Promise.allSettled([q.run('k', boom), q.run('k', boom)])
    expect(r.map(x => x.status)).to.deep.equal(['rejected', 'rejected'])
    expect(q.size).to.equal(0)
  })
})
