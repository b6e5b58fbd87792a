// SyncProgress (node/pipelines/syncProgress.ts): the figures /status shows for a sync under way,
// on a clock the test sets, and the state it is shown through.
import { expect } from 'chai'
import type { NodeState } from '../../../node/context.js'
import { SYNC_PROGRESS_WINDOW_MS } from '../../../node/constants.js'
import { createLogger } from '../../../node/logger.js'
import { SyncProgress } from '../../../node/pipelines/syncProgress.js'
import { PassThrough } from 'node:stream'

describe('SyncProgress', () => {
  let now = 0
  const clock = (): number => now

  it('has no rate and no ETA before the first import', () => {
    now = 1_000
    const p = new SyncProgress(2000, 100, clock)
    now = 4_000
    expect(p.view(now)).to.deep.equal({ targetHeight: 2000, currentHeight: 100, startHeight: 100, blocksPerSec: 0, etaS: null })
  })

  it('gives blocks/s since the start within the window, and the ETA at that rate', () => {
    now = 0
    const p = new SyncProgress(1000, 0, clock)
    now = 2_000
    p.reached(256)
    now = 4_000
    p.reached(512)
    const v = p.view(now)
    expect(v.blocksPerSec).to.equal(128) // 512 blocks in 4 s
    expect(v.etaS).to.equal(Math.ceil(488 / 128))
  })

  it('measures over the recent window only, so a stall brings the rate down to 0', () => {
    now = 0
    const p = new SyncProgress(10_000, 0, clock)
    for (let s = 1; s <= 30; s++) { now = s * 1000; p.reached(s * 100) } // 100 blocks/s for 30 s
    expect(p.view(now).blocksPerSec).to.equal(100)
    now += SYNC_PROGRESS_WINDOW_MS / 2
    expect(p.view(now).blocksPerSec).to.be.within(40, 70) // half the window without blocks
    now += SYNC_PROGRESS_WINDOW_MS
    const stalled = p.view(now)
    expect(stalled.blocksPerSec).to.equal(0)
    expect(stalled.etaS).to.equal(null)
  })

  it('never reports past the target or going back, and ETA 0 at the target', () => {
    now = 0
    const p = new SyncProgress(500, 0, clock)
    now = 1_000
    p.reached(300)
    p.reached(200)
    expect(p.view(now).currentHeight).to.equal(300)
    p.reached(900) // the chain moved past the target (another branch): shown as done
    expect(p.view(now)).to.include({ currentHeight: 500, etaS: 0 })
  })

  it('is shown through the state while it runs, logs every period, and is cleared at its end', async () => {
    const state = { syncing: false } as NodeState
    const out = new PassThrough()
    const lines: string[] = []
    out.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(l => l !== '')))
    const p = new SyncProgress(100, 0)
    p.begin(state, createLogger('info', 'json', out))
    expect(state.sync).to.equal(p)
    const other = new SyncProgress(100, 0)
    other.end(state) // another sync's end does not clear this one
    expect(state.sync).to.equal(p)
    p.end(state)
    expect(state.sync).to.equal(undefined)
    expect(lines).to.deep.equal([]) // ended before its first period
  })
})
