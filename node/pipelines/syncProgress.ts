// Progress of the sync under way (issue 21 item 2): the target height, the height reached, blocks/s
// over a recent window and the ETA it gives. /status reads it through NodeState.sync; while a sync
// runs, one 'sync progress' log line every SYNC_PROGRESS_LOG_MS (a per-block line would flood the
// log at hundreds of blocks a second). The rate is computed on read from timestamped heights, so a
// stalled sync shows its rate falling to 0 instead of the last chunk's speed.
import type { NodeState, SyncProgressSource, SyncProgressView } from '../context.js'
import { SYNC_PROGRESS_LOG_MS, SYNC_PROGRESS_WINDOW_MS } from '../constants.js'
import type { Logger } from '../logger.js'

interface Sample { ms: number, height: number }

export class SyncProgress implements SyncProgressSource {
  /** Heights reached, oldest first; the first one at or before the window's start is kept as its reference. */
  private samples: Sample[]
  private current: number
  private timer?: NodeJS.Timeout

  constructor (readonly targetHeight: number, readonly startHeight: number, private readonly now: () => number = Date.now) {
    this.current = startHeight
    this.samples = [{ ms: now(), height: startHeight }]
  }

  /** A block of the branch at `height` is now part of the chain. */
  reached (height: number): void {
    if (height <= this.current) return
    this.current = Math.min(height, this.targetHeight)
    this.samples.push({ ms: this.now(), height: this.current })
    this.trim(this.now())
  }

  /** Drops samples older than the window, keeping the newest of those as the rate's reference point. */
  private trim (nowMs: number): void {
    const from = nowMs - SYNC_PROGRESS_WINDOW_MS
    let keep = 0
    while (keep + 1 < this.samples.length && this.samples[keep + 1].ms <= from) keep++
    if (keep > 0) this.samples = this.samples.slice(keep)
  }

  view (nowMs: number): SyncProgressView {
    this.trim(nowMs)
    const ref = this.samples[0]
    const spanS = Math.max(nowMs - ref.ms, 1) / 1000
    const blocksPerSec = (this.current - ref.height) / spanS
    const left = this.targetHeight - this.current
    const etaS = left === 0 ? 0 : blocksPerSec > 0 ? Math.ceil(left / blocksPerSec) : null
    return { targetHeight: this.targetHeight, currentHeight: this.current, startHeight: this.startHeight, blocksPerSec: Math.round(blocksPerSec * 10) / 10, etaS }
  }

  /** Shows this sync in `state` and logs a progress line every SYNC_PROGRESS_LOG_MS until `end`. */
  begin (state: NodeState, log: Logger): void {
    state.sync = this
    this.timer = setInterval(() => {
      const v = this.view(this.now())
      log.info('sync progress', { height: v.currentHeight, target: v.targetHeight, blocksPerSec: v.blocksPerSec, etaS: v.etaS })
    }, SYNC_PROGRESS_LOG_MS)
    this.timer.unref()
  }

  end (state: NodeState): void {
    clearInterval(this.timer)
    this.timer = undefined
    if (state.sync === this) state.sync = undefined
  }
}
