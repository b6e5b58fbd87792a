// Memory given back after a long sync. A sync's garbage grows V8's old space to its high-water mark
// (heapUsed 75–196 MB before a GC at 8,000 blocks) and V8 only slowly returns those pages; one full
// mark-compact right after the sync frees the objects at once, and a second one a few seconds later
// gives back pages the first left committed (docs/performance.md, memory, second pass). `gc` is
// not a global without --expose-gc on the command line; setting the flag at run time exposes it to a
// fresh context, the same way scripts/bench/node/memProbe.mjs reads a live heap.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { RELEASE_SECOND_GC_MS } from './constants.js'

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
 * One full GC (tens of ms on the main thread) once per long sync, after its worker pool stopped, and
 * a second one `secondGcMs` later (RELEASE_SECOND_GC_MS: the first leaves V8's old-space pages
 * committed; 3 s after it, old space was 61–70 MB for a 36 MB live heap). One log line once both ran.
 * The timer does not keep the process alive.
 */
export function releaseAfterSync (log: Log, secondGcMs = RELEASE_SECOND_GC_MS): void {
  const before = process.memoryUsage()
  const t0 = performance.now()
  fullGc()
  const ms1 = performance.now() - t0
  const first = process.memoryUsage()
  setTimeout(() => {
    const t1 = performance.now()
    fullGc()
    const ms = ms1 + performance.now() - t1
    const after = process.memoryUsage()
    const mb = (n: number): number => Math.round(n / 2 ** 20)
    log.info('memory released after sync', {
      ms: Math.round(ms),
      rssMB: [mb(before.rss), mb(first.rss), mb(after.rss)],
      heapUsedMB: [mb(before.heapUsed), mb(first.heapUsed), mb(after.heapUsed)],
      heapTotalMB: [mb(before.heapTotal), mb(first.heapTotal), mb(after.heapTotal)]
    })
  }, secondGcMs).unref()
}
