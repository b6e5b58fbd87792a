// Memory given back after a long sync. A sync's garbage grows V8's old space to its high-water mark
// (heapUsed 75–196 MB before a GC at 8,000 blocks) and V8 only slowly returns those pages; one full
// mark-compact right after the sync frees them at once (the heap is then mostly empty pages). `gc` is
// not a global without --expose-gc on the command line; setting the flag at run time exposes it to a
// fresh context, the same way scripts/bench/node/memProbe.mjs reads a live heap.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

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

/** One full GC (tens of ms on the main thread); once per long sync, after its worker pool stopped. */
export function releaseAfterSync (log: Log): void {
  const before = process.memoryUsage()
  const t0 = performance.now()
  fullGc()
  const after = process.memoryUsage()
  const mb = (n: number): number => Math.round(n / 2 ** 20)
  log.info('memory released after sync', { ms: Math.round(performance.now() - t0), rssMB: [mb(before.rss), mb(after.rss)], heapUsedMB: [mb(before.heapUsed), mb(after.heapUsed)] })
}
