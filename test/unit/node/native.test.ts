// node/native.ts: on Linux with glibc (this project's machines and container) V8's memory-pressure GC
// gives back the old-space pages a fragmented heap leaves committed, keeping every live object intact,
// and malloc_trim gives back freed malloc'd memory (under a preloaded jemalloc: jemalloc's purge);
// with TAU_NATIVE_MEMORY=0 neither runs and each says why, so the callers fall back to plain GCs.
import { spawnSync } from 'node:child_process'
import { expect } from 'chai'
import { allocator, mallocTrim, memoryPressureGc, nativeUnavailable, rssAnonKB } from '../../../node/native.js'
import { jemallocPath } from '../../../scripts/testnet/allocator.js'

const MB = 2 ** 20
const pause = async (ms: number): Promise<void> => { await new Promise(res => setTimeout(res, ms)) }

describe('node/native', () => {
  it('a memory-pressure GC unmaps a fragmented old space and keeps the live objects', () => {
    // In a process of its own: in the test runner's heap the figures would depend on every test before.
    // 2,000,000 objects made, one in eight kept: the survivors are spread over every page.
    const script = `
      import { memoryPressureGc, nativeUnavailable } from './node/native.ts'
      const kept = []
      for (let round = 0; round < 20; round++) {
        const made = []
        for (let i = 0; i < 100_000; i++) made.push({ a: round * 100_000 + i, b: 'x' + i })
        for (let i = 0; i < made.length; i += 8) kept.push(made[i])
      }
      const before = process.memoryUsage()
      const ran = await memoryPressureGc()
      // V8 sweeps on helper threads and unmaps the freed pages as they finish: on a busy machine
      // that takes a moment after the GC, so the committed heap is read until it settles (5 s at most).
      let after = process.memoryUsage()
      for (let i = 0; i < 100 && after.heapTotal > after.heapUsed * 1.5 + 16 * 2 ** 20; i++) {
        await new Promise(res => setTimeout(res, 50))
        after = process.memoryUsage()
      }
      let intact = kept.length === 250_000
      for (let i = 0; i < kept.length; i += 997) {
        const round = Math.floor(i / 12_500)
        intact &&= kept[i].a === round * 100_000 + (i % 12_500) * 8 && kept[i].b === 'x' + (i % 12_500) * 8
      }
      process.stdout.write(JSON.stringify({ ran, why: nativeUnavailable().pressure, before: before.heapTotal, after: after.heapTotal, used: after.heapUsed, intact }))`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout) as { ran: boolean, why: string, before: number, after: number, used: number, intact: boolean }
    expect(out.ran, out.why).to.equal(true)
    // The sparse pages went: committed heap close to the live one, far below where it was.
    expect(out.after).to.be.below(out.before - 40 * MB)
    expect(out.after).to.be.below(out.used * 1.5 + 16 * MB)
    expect(out.intact).to.equal(true)
  })

  it('malloc_trim gives back freed malloc memory that glibc kept', async () => {
    // Buffers of this size are malloc'd one by one; keeping one in fifty leaves the rest of each
    // page free but not at the top of the heap, which glibc does not give back by itself.
    let bufs: Buffer[] | null = []
    for (let i = 0; i < 200_000; i++) bufs.push(Buffer.allocUnsafeSlow(300).fill(i % 251))
    const kept = bufs.filter((_, i) => i % 50 === 0)
    bufs = null
    expect(await memoryPressureGc()).to.equal(true) // frees the dropped buffers' memory
    await pause(500)
    const r = await mallocTrim()
    expect(r, nativeUnavailable().trim).to.not.equal(null)
    if (r === null) return
    expect(r.anonBeforeKB - r.anonAfterKB).to.be.above(20 * 1024)
    expect(rssAnonKB()).to.be.below(r.anonBeforeKB - 20 * 1024)
    expect(kept.every((b, i) => b[0] === (i * 50) % 251 && b[299] === (i * 50) % 251)).to.equal(true)
  })

  it('under a preloaded jemalloc the trim is jemalloc\'s purge, and it gives the freed pages back', function () {
    // The container image, the systemd unit and the testnet preload jemalloc (libjemalloc2; .ci/run installs it).
    const lib = jemallocPath()
    if (lib === undefined) {
      console.log('    skipped: libjemalloc2 is not installed; install Debian\'s `libjemalloc2` package (.ci/run does)')
      this.skip()
    }
    expect(allocator()).to.equal('libc') // the test runner itself is not preloaded
    // 64 MB in 16 KiB buffers, one in fifty kept; jemalloc's time-based purging is turned off
    // (MALLOC_CONF) so that only the trim can give the freed extents back, and RssAnon is read
    // twice before it to show that nothing else does.
    const script = `
      import { allocator, mallocTrim, memoryPressureGc, rssAnonKB } from './node/native.ts'
      let bufs = []
      for (let i = 0; i < 4_000; i++) bufs.push(Buffer.allocUnsafeSlow(16_384).fill(i % 251))
      const kept = bufs.filter((_, i) => i % 50 === 0)
      bufs = null
      await memoryPressureGc()
      const idle = [rssAnonKB()]
      await new Promise(res => setTimeout(res, 300))
      idle.push(rssAnonKB())
      const r = await mallocTrim()
      const intact = kept.every((b, i) => b[0] === (i * 50) % 251 && b[16_383] === (i * 50) % 251)
      process.stdout.write(JSON.stringify({ allocator: allocator(), idle, r, intact }))`
    const env = { ...process.env, LD_PRELOAD: lib, MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:-1' }
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env })
    expect(r.status, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout) as { allocator: string, idle: number[], r: { anonBeforeKB: number, anonAfterKB: number, allocator: string } | null, intact: boolean }
    expect(out.allocator).to.equal('jemalloc')
    expect(out.r?.allocator).to.equal('jemalloc')
    expect(out.idle[0] - out.idle[1]).to.be.below(8 * 1024) // nothing gave them back by itself
    expect((out.r?.anonBeforeKB ?? 0) - (out.r?.anonAfterKB ?? 0)).to.be.above(40 * 1024)
    expect(out.intact).to.equal(true)
  })

  it('with TAU_NATIVE_MEMORY=0 neither call runs and each says why', () => {
    const script = `
      import { mallocTrim, memoryPressureGc, nativeUnavailable } from './node/native.ts'
      const out = { pressure: await memoryPressureGc(), trim: await mallocTrim(), why: nativeUnavailable() }
      process.stdout.write(JSON.stringify(out))`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TAU_NATIVE_MEMORY: '0' } })
    expect(r.status, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout) as { pressure: boolean, trim: unknown, why: { trim: string, pressure: string } }
    expect(out.pressure).to.equal(false)
    expect(out.trim).to.equal(null)
    expect(out.why).to.deep.equal({ trim: 'TAU_NATIVE_MEMORY=0', pressure: 'TAU_NATIVE_MEMORY=0' })
  })
})
