// Memory given back after a long sync (and once after start-up). A sync's garbage grows V8's old space to its high-water mark
// (heapUsed 75–196 MB before a GC at 8,000 blocks) and V8 only slowly returns those pages; one full
// mark-compact right after the sync frees the objects at once, and a few more seconds apart give
// back the pages the first left committed (docs/performance.md, memory, second pass). `gc` is
// not a global without --expose-gc on the command line; setting the flag at run time exposes it to a
// fresh context, the same way scripts/bench/node/memProbe.mjs reads a live heap.
// Where V8's C++ API can be reached (node/native.ts), the GCs are memory-pressure GCs instead, which
// compact and unmap at once (a plain gc() left 60 MB committed for a 45 MB live heap after six);
// then glibc's malloc_trim (or jemalloc's purge, when the node runs on it) gives back the malloc'd memory the sync freed (the main heap, the verify
// threads' arenas), which no GC touches.
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { IDLE_RELEASE_CHECK_MS, IDLE_RELEASE_GROWTH_MB, IDLE_RELEASE_MAX_GCS, IDLE_RELEASE_MIN_GAP_MS, RELEASE_GC_GAP_MS, RELEASE_MAX_GCS, RELEASE_MIN_GAIN_MB } from './constants.js'
import { mallocTrim, memoryPressureGc, nativeUnavailable } from './native.js'

// Info, not debug: one line per long sync, and the sync bench waits for it before it reads RssAnon.
interface Log { info: (msg: string, meta?: Record<string, unknown>) => void }

let gc: (() => void) | undefined
/** Releases under way (their GCs have begun and their line is not logged yet): keepMemoryFlat waits for them. */
let releasing = 0

/** V8's young generation as committed now (bytes): grown during a long sync, shrunk by the release. */
function newSpaceBytes (): number {
  return getHeapSpaceStatistics().find(x => x.space_name === 'new_space')?.space_size ?? 0
}

function fullGc (): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
}

/** A memory-pressure GC where it can be had, else a plain full GC; says which ran. */
async function collect (): Promise<'pressure' | 'plain'> {
  if (await memoryPressureGc()) return 'pressure'
  fullGc()
  return 'plain'
}

export interface ReleaseOptions {
  /** Empties the store's caches (ChainStore.dropCaches): a long sync filled them with its own entries. */
  dropCaches?: () => { dropped: number } | false
  /** True while a sync runs: the release waits for it to end, and stops its GCs if one starts. */
  busy?: () => boolean
  gapMs?: number
  maxGcs?: number
  /** What the memory is released after, for the log line ('memory released after …'): 'sync' by default. */
  after?: 'sync' | 'start-up' | 'idle growth'
}

/**
 * Once per long sync, after its worker pool stopped, and once after start-up (node.ts,
 * RELEASE_AFTER_READY_MS): the store's caches emptied (`dropCaches`), then
 * full GCs (tens of ms each on the main thread):
 * one at once, then one every `gapMs` while the previous gave back at least RELEASE_MIN_GAIN_MB of
 * V8's committed heap, `maxGcs` at most (after a plain GC V8 returns the old-space pages it freed
 * over the next GCs, not at once). Then one malloc_trim. One log line once they ran; the timers do
 * not keep the process alive.
 */
export function releaseMemory (log: Log, opts: ReleaseOptions = {}): void {
  const { gapMs = RELEASE_GC_GAP_MS, maxGcs = RELEASE_MAX_GCS } = opts
  const mb = (n: number): number => Math.round(n / 2 ** 20)
  const steps: NodeJS.MemoryUsage[] = [] // before, then after each GC
  let caches: { dropped: number } | false | undefined
  let ms = 0
  let kind = ''
  let newSpaceBefore = 0
  const finish = async (): Promise<void> => {
    const trim = await mallocTrim()
    releasing--
    const skipped = nativeUnavailable()
    log.info(`memory released after ${opts.after ?? 'sync'}`, {
      // Cache entries dropped (the store's), or false when a commit was under way.
      cachesDropped: caches === undefined || caches === false ? caches : caches.dropped,
      gcs: steps.length - 1,
      // 'pressure': V8's compacting memory-pressure GC; 'plain': gc() (node/native.ts says when).
      kind: kind === 'plain' && skipped.pressure !== '' ? `plain (${skipped.pressure})` : kind,
      ms: Math.round(ms),
      rssMB: steps.map(m => mb(m.rss)),
      heapUsedMB: steps.map(m => mb(m.heapUsed)),
      heapTotalMB: steps.map(m => mb(m.heapTotal)),
      newSpaceMB: [mb(newSpaceBefore), mb(newSpaceBytes())],
      // RssAnon before and after the trim, or why there was none.
      trim: trim === null
        ? { skipped: skipped.trim }
        : { anonMB: [Math.round(trim.anonBeforeKB / 1024), Math.round(trim.anonAfterKB / 1024)], ms: Math.round(trim.ms), allocator: trim.allocator }
    })
  }
  const step = async (): Promise<void> => {
    // A sync that started meanwhile gets no compacting GCs in its way; it ends with its own release.
    if (steps.length > 1 && opts.busy?.() === true) { await finish(); return }
    const t0 = performance.now()
    kind = await collect()
    ms += performance.now() - t0
    steps.push(process.memoryUsage())
    const gain = steps[steps.length - 2].heapTotal - steps[steps.length - 1].heapTotal
    // Always a second GC: after a plain one, the pages come back with the next.
    if (steps.length - 1 < maxGcs && (steps.length === 2 || gain >= RELEASE_MIN_GAIN_MB * 2 ** 20)) {
      setTimeout(() => { void step() }, gapMs).unref()
      return
    }
    await finish()
  }
  // Not while another sync runs (one that follows at once): wait for it, `maxGcs` gaps at most.
  let waits = 0
  const start = (): void => {
    if (opts.busy?.() === true) {
      if (++waits <= maxGcs) setTimeout(start, gapMs).unref()
      return
    }
    releasing++
    steps.push(process.memoryUsage())
    newSpaceBefore = newSpaceBytes()
    caches = opts.dropCaches?.() // before the GCs, so the entries go with them
    void step()
  }
  start()
}

export interface FlatOptions {
  /** True while a sync runs: its own release follows it. */
  busy: () => boolean
  signal: AbortSignal
  checkMs?: number
  growthMB?: number
  /** The least time between two of these releases, read at each check (it may depend on whether the node mines). */
  minGapMs?: () => number
  /** Between the release's GCs (ReleaseOptions.gapMs). */
  gapMs?: number
}

/**
 * Between syncs: when V8's heap holds IDLE_RELEASE_GROWTH_MB more than the least it held since the
 * last release (garbage that no GC took yet), the same release again (IDLE_RELEASE_MAX_GCS GC, then
 * the trim), at most once per `minGapMs` and never beside another release (a sync's:
 * the least is then read afresh from what that one leaves); its line is logged at debug. A running
 * node's garbage reaches V8's old space through the small young generation and stays there until
 * V8's next full GC, which V8 puts off while the heap is far below its limit; 60 s after the
 * start-up release an idle node's heap held ~6.6 MB of it. A plain full GC freed that garbage but
 * left RSS where it was: the memory-pressure GC is the one that gives the pages back
 * (docs/performance.md, memory, sixth pass). Returns a stop function; the timer does not keep the
 * process alive.
 */
export function keepMemoryFlat (log: Log & { debug: Log['info'] }, o: FlatOptions): () => void {
  const { checkMs = IDLE_RELEASE_CHECK_MS, growthMB = IDLE_RELEASE_GROWTH_MB, minGapMs = () => IDLE_RELEASE_MIN_GAP_MS } = o
  let floor = Number.POSITIVE_INFINITY
  let lastMs = Number.NEGATIVE_INFINITY
  const timer = setInterval(() => {
    const used = getHeapStatistics().used_heap_size
    // Another release (a sync's, or this one's) is at work: measure from what it leaves.
    floor = releasing > 0 ? used : Math.min(floor, used)
    if (releasing > 0) return
    if (o.busy() || performance.now() - lastMs < minGapMs() || used - floor < growthMB * 2 ** 20) return
    lastMs = performance.now()
    releaseMemory({ info: (msg, meta) => { log.debug(msg, meta) } }, { after: 'idle growth', maxGcs: IDLE_RELEASE_MAX_GCS, gapMs: o.gapMs, busy: o.busy })
  }, checkMs)
  timer.unref()
  const stop = (): void => { clearInterval(timer) }
  o.signal.addEventListener('abort', stop, { once: true })
  return stop
}
