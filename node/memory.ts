// Memory given back after a long sync. A sync's garbage grows V8's old space to its high-water mark
// (heapUsed 75–196 MB before a GC at 8,000 blocks) and V8 only slowly returns those pages; one full
// mark-compact right after the sync frees the objects at once, and a few more seconds apart give
// back the pages the first left committed (docs/performance.md, memory, second pass). `gc` is
// not a global without --expose-gc on the command line; setting the flag at run time exposes it to a
// fresh context, the same way scripts/bench/node/memProbe.mjs reads a live heap.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { RELEASE_GC_GAP_MS, RELEASE_MAX_GCS, RELEASE_MIN_GAIN_MB } from './constants.js'

// Info, not debug: one line per long sync, and the sync bench waits for it before it reads RssAnon.
interface Log { info: (msg: string, meta?: Record<string, unknown>) => void }

let gc: (() => void) | undefined

function fullGc (): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
}

/**
 * Full GCs (tens of ms each on the main thread) once per long sync, after its worker pool stopped:
 * one at once, then one every `gapMs` while the previous gave back at least RELEASE_MIN_GAIN_MB of
 * V8's committed heap, `maxGcs` at most (V8 returns the old-space pages a GC freed over the next
 * GCs, not at once). One log line once they ran; the timers do not keep the process alive.
 */
export function releaseAfterSync (log: Log, gapMs = RELEASE_GC_GAP_MS, maxGcs = RELEASE_MAX_GCS): void {
  const mb = (n: number): number => Math.round(n / 2 ** 20)
  const steps = [process.memoryUsage()]
  let ms = 0
  const step = (): void => {
    const t0 = performance.now()
    fullGc()
    ms += performance.now() - t0
    steps.push(process.memoryUsage())
    const gain = steps[steps.length - 2].heapTotal - steps[steps.length - 1].heapTotal
    // Always a second GC: the first frees objects, the pages come back with the next.
    if (steps.length - 1 < maxGcs && (steps.length === 2 || gain >= RELEASE_MIN_GAIN_MB * 2 ** 20)) {
      setTimeout(step, gapMs).unref()
      return
    }
    log.info('memory released after sync', {
      gcs: steps.length - 1,
      ms: Math.round(ms),
      rssMB: steps.map(m => mb(m.rss)),
      heapUsedMB: steps.map(m => mb(m.heapUsed)),
      heapTotalMB: steps.map(m => mb(m.heapTotal))
    })
  }
  step()
}
