// node/memory.ts: the full GCs after a long sync collect the garbage a sync leaves (here 300,000
// dropped objects, ~100 MB) without --expose-gc on the command line: one at once, at least a second
// after the gap, never more than the cap; one line logs heap and RSS before and after each, and the
// malloc_trim that follows.
import { expect } from 'chai'
import { keepMemoryFlat, releaseMemory } from '../../../node/memory.js'

interface Logged { msg: string, meta?: Record<string, unknown> }
const GAP_MS = 200
const MAX_GCS = 3
const WAIT_MS = 5_000

/** Resolves once `logged` holds `n` lines; throws after WAIT_MS. */
async function until (logged: Logged[], n: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS
  while (logged.length < n) {
    if (Date.now() > deadline) throw new Error(`only ${logged.length} of ${n} release lines within ${WAIT_MS} ms`)
    await new Promise(res => setTimeout(res, 20))
  }
}

describe('node/memory releaseMemory', () => {
  it('runs a full GC without --expose-gc, more after the gap up to the cap, and logs heap and RSS at each step', async () => {
    expect((globalThis as { gc?: unknown }).gc).to.equal(undefined) // not exposed to the test itself
    let garbage: Array<{ a: number[], s: string }> | null = []
    for (let i = 0; i < 300_000; i++) garbage.push({ a: new Array<number>(20).fill(i), s: `x${i}` })
    expect(garbage.length).to.equal(300_000)
    garbage = null
    const logged: Logged[] = []
    const t0 = Date.now()
    let heapAtDrop = 0
    const dropCaches = (): { dropped: number } => { heapAtDrop = process.memoryUsage().heapUsed; return { dropped: 7 } }
    releaseMemory({ info: (msg, meta) => { logged.push({ msg, meta }) } }, { gapMs: GAP_MS, maxGcs: MAX_GCS, dropCaches })
    expect(heapAtDrop).to.be.greaterThan(0) // the caches go first, before any GC
    expect(logged).to.have.length(0) // the line comes once the later GCs ran
    await until(logged, 1)
    expect(logged[0].msg).to.equal('memory released after sync')
    // On Linux with glibc the GCs are V8's memory-pressure GCs and a malloc_trim follows (node/native.ts).
    expect(logged[0].meta?.kind).to.equal('pressure')
    expect((logged[0].meta?.trim as { anonMB?: number[] }).anonMB).to.have.length(2)
    expect(logged[0].meta?.cachesDropped).to.equal(7)
    const gcs = logged[0].meta?.gcs as number
    expect(gcs).to.be.within(2, MAX_GCS)
    expect(Date.now() - t0).to.be.at.least((gcs - 1) * GAP_MS - 5)
    const used = logged[0].meta?.heapUsedMB as number[]
    expect(used).to.have.length(gcs + 1) // before, then after each GC
    expect(used[0] - used[1]).to.be.greaterThan(40) // the first GC collected the dropped objects
    expect(used[gcs]).to.be.at.most(used[1] + 5) // the later ones found nothing new to hold
    expect(logged[0].meta?.rssMB).to.have.length(gcs + 1)
    expect(logged[0].meta?.heapTotalMB).to.have.length(gcs + 1)
    expect(logged[0].meta?.ms).to.be.a('number')
    // A second call reuses the exposed gc.
    releaseMemory({ info: (msg, meta) => { logged.push({ msg, meta }) } }, { gapMs: GAP_MS, maxGcs: MAX_GCS })
    await until(logged, 2)
    expect(logged[1].msg).to.equal('memory released after sync')
  })

  it('waits while a sync runs, and drops the caches only once none does', async () => {
    const logged: Logged[] = []
    let busy = true
    let droppedAt = 0
    const t0 = Date.now()
    releaseMemory({ info: (msg, meta) => { logged.push({ msg, meta }) } }, {
      gapMs: GAP_MS, maxGcs: MAX_GCS, busy: () => busy, dropCaches: () => { droppedAt = Date.now(); return { dropped: 3 } }
    })
    await new Promise(res => setTimeout(res, GAP_MS * 2 + 50))
    expect(droppedAt).to.equal(0)
    expect(logged).to.have.length(0)
    busy = false
    await until(logged, 1)
    expect(droppedAt - t0).to.be.at.least(GAP_MS * 2)
    expect(logged[0].meta?.cachesDropped).to.equal(3)
  })

  it('gives up after maxGcs gaps of a sync that goes on', async () => {
    const logged: Logged[] = []
    let checks = 0
    releaseMemory({ info: (msg, meta) => { logged.push({ msg, meta }) } }, { gapMs: 50, maxGcs: MAX_GCS, busy: () => { checks++; return true } })
    await new Promise(res => setTimeout(res, 50 * (MAX_GCS + 3)))
    expect(checks).to.equal(MAX_GCS + 1)
    expect(logged).to.have.length(0)
  })

  describe('keepMemoryFlat', () => {
    /** Holds small objects (~`mb` × 0.6 MB of heap) until the returned function drops them. */
    const hold = (mb: number): (() => void) => {
      let kept: string[][] | null = Array.from({ length: mb * 64 }, (_, i) => Array.from({ length: 256 }, (_, j) => `k${i}-${j}`))
      expect(kept.length).to.equal(mb * 64)
      return () => { kept = null }
    }

    it('releases once the heap holds more than the least since the last release, not while a sync runs, and never after stop', async () => {
      const lines: Logged[] = []
      const log = { info: () => { throw new Error('idle releases log at debug') }, debug: (msg: string, meta?: Record<string, unknown>) => { lines.push({ msg, meta }) } }
      let busy = true
      const ac = new AbortController()
      const stop = keepMemoryFlat(log, { busy: () => busy, signal: ac.signal, checkMs: 50, growthMB: 8, minGapMs: () => 300, gapMs: 100 })
      try {
        await new Promise(res => setTimeout(res, 120)) // a floor is read
        const drop = hold(40)
        await new Promise(res => setTimeout(res, 300))
        expect(lines, 'no release while a sync runs').to.have.length(0)
        drop()
        busy = false
        await until(lines, 1)
        expect(lines[0].msg).to.equal('memory released after idle growth')
        expect(lines[0].meta?.gcs).to.be.within(1, 2)
        const used = lines[0].meta?.heapUsedMB as number[]
        expect(used[0] - used[used.length - 1], 'the held objects were collected').to.be.greaterThan(20)
      } finally {
        stop()
        ac.abort()
      }
      const after = lines.length
      const drop = hold(40)
      await new Promise(res => setTimeout(res, 500))
      drop()
      expect(lines.length, 'nothing after stop').to.equal(after)
    })

    it('does not run beside another release (a sync\'s), and measures from what that one leaves', async () => {
      const lines: Logged[] = []
      const ac = new AbortController()
      const other: Logged[] = []
      // A release whose second GC comes 1.5 s after its first: under way all that time.
      releaseMemory({ info: (msg, meta) => { other.push({ msg, meta }) } }, { gapMs: 1500, maxGcs: 2 })
      const stop = keepMemoryFlat({ info: () => {}, debug: (msg: string, meta?: Record<string, unknown>) => { lines.push({ msg, meta }) } },
        { busy: () => false, signal: ac.signal, checkMs: 50, growthMB: 8, minGapMs: () => 300, gapMs: 100 })
      try {
        await new Promise(res => setTimeout(res, 120)) // its checks have read the heap
        const drop = hold(40)
        await new Promise(res => setTimeout(res, 600))
        expect(other, 'the other release is still under way').to.have.length(0)
        expect(lines, 'nothing beside it').to.have.length(0)
        drop()
        await until(other, 1)
        // It collected the dropped objects: the heap it leaves is the new least, so no release follows.
        await new Promise(res => setTimeout(res, 400))
        expect(lines).to.have.length(0)
      } finally {
        stop()
        ac.abort()
      }
    })
  })
})
