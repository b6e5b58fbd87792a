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
    const a = new SeqClock(dir, () => now)
    a.next(); a.next()
    expect(a.current).to.equal(10_001)
    now = 9_000 // restarted on a machine whose clock is behind
    const b = new SeqClock(dir, () => now)
    expect(b.current).to.equal(10_001)
    expect(b.next()).to.equal(10_002)
    now = 20_000
    const c = new SeqClock(dir, () => now)
    expect(c.next()).to.equal(20_000)
  })

  it('starts from the clock with no file, and refuses a corrupt one', () => {
    expect(new SeqClock(dir, () => 42).next()).to.equal(42)
    writeFileSync(join(dir, SEQ_FILE), '{"last": "soon"}')
    expect(() => new SeqClock(dir)).to.throw(/DHT_BAD_SEQ/)
    writeFileSync(join(dir, SEQ_FILE), 'not json')
    expect(() => new SeqClock(dir)).to.throw(/DHT_BAD_SEQ/)
  })
})
