import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SEQ_FILE, SeqClock } from '../../../dht/seq.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

describe('dht/seq', () => {
  let dir: string
  beforeEach(() => { dir = makeTmpDir('tau-dht-seq-') })
  afterEach(() => { removeDir(dir) })

  it('follows the clock in ms and stays strictly increasing when it stalls or steps back', () => {
    let now = 1_000
    const clock = new SeqClock(undefined, () => now)
    expect(clock.next()).to.equal(1_000)
    expect(clock.next()).to.equal(1_001) // same millisecond
    now = 500 // clock stepped back
    expect(clock.next()).to.equal(1_002)
    now = 5_000
    expect(clock.next()).to.equal(5_000)
    let prev = 0
    for (let i = 0; i < 1000; i++) {
      const s = clock.next()
      expect(s).to.be.greaterThan(prev)
      prev = s
    }
  })

  it('survives a restart: seq = max(now, last + 1)', () => {
    let now = 10_000
    const a = new SeqClock(dir, () => now, 0) // no reservation: every seq written
    a.next(); a.next()
    expect(a.current).to.equal(10_001)
    now = 9_000 // restarted on a machine whose clock is behind
    const b = new SeqClock(dir, () => now, 0)
    expect(b.current).to.equal(10_001)
    expect(b.next()).to.equal(10_002)
    now = 20_000
    const c = new SeqClock(dir, () => now, 0)
    expect(c.next()).to.equal(20_000)
  })

  it('writes the file once per reservation, not per seq', () => {
    let now = 100_000
    const clock = new SeqClock(dir, () => now, 10_000)
    for (let i = 0; i < 500; i++) { clock.next(); now += 10 } // 5 s of publishes, 100 per second
    expect(clock.writes).to.equal(1)
    now += 10_000 // past the reservation: one more write
    clock.next()
    clock.next()
    expect(clock.writes).to.equal(2)
  })

  it('never reuses a seq after a crash, whether the clock stood still, stepped back or ran on', () => {
    for (const after of [0, -50_000, 3_000, 70_000]) {
      removeDir(dir)
      dir = makeTmpDir('tau-dht-seq-')
      let now = 1_000_000
      const a = new SeqClock(dir, () => now, 10_000)
      const handed: number[] = []
      // Many seqs in one millisecond (the counter runs ahead of the clock), then across the reservation.
      for (let i = 0; i < 300; i++) handed.push(a.next())
      for (let i = 0; i < 300; i++) { now += 97; handed.push(a.next()) }
      expect(a.writes).to.be.greaterThan(1)
      const highest = Math.max(...handed)
      // Crash: `a` is dropped without any shutdown hook; a new clock reads only the file.
      now += after
      const b = new SeqClock(dir, () => now, 10_000)
      const next = b.next()
      expect(next, `clock moved ${after} ms`).to.be.greaterThan(highest)
      expect(next - Math.max(highest, now), 'skips at most one reservation').to.be.at.most(10_000 + 1)
    }
  })

  it('starts from the clock with no file, and refuses a corrupt one', () => {
    expect(new SeqClock(dir, () => 42).next()).to.equal(42)
    writeFileSync(join(dir, SEQ_FILE), '{"last": "soon"}')
    expect(() => new SeqClock(dir)).to.throw(/DHT_BAD_SEQ/)
    writeFileSync(join(dir, SEQ_FILE), 'not json')
    expect(() => new SeqClock(dir)).to.throw(/DHT_BAD_SEQ/)
  })
})
