// Two native calls Node has no binding for, made through koffi (an FFI library whose native part
// comes prebuilt in its npm package, so nothing is compiled at install), to give memory back after
// a long sync (node/memory.ts; docs/performance.md, memory, third pass):
// - V8's MemoryPressureNotification(kCritical): a full GC that compacts (moves the live objects out
//   of sparse pages), shrinks the young generation and frees the pooled pages at once. gc() from
//   --expose-gc does none of that: after a sync V8 kept 60 MB committed for a 45 MB live heap after
//   six of them. V8 allows the call from another thread; koffi's async call makes it on one of
//   libuv's, and V8 then runs the GC on the main thread at its next interrupt check. Called on the
//   main thread (koffi's sync call, on koffi's own stack) the GC crashed the process.
// - glibc's malloc_trim(0): gives back the free pages inside every malloc arena, not only those at
//   the top of the main heap (LevelDB's memtables and reads, sockets and ArrayBuffers freed by the
//   sync). MALLOC_* variables would have to be set before the process starts. Under jemalloc
//   (LD_PRELOAD, as the container image, the systemd unit and the testnet run the node:
//   docs/operations.md, Memory) the same step is jemalloc's own purge of every arena's unused
//   pages (mallctl "arena.<all>.purge"); glibc's malloc_trim would find its arenas empty.
// Loaded on first use only (not at start). Each is a no-op where it cannot be had (another OS or
// libc, a node binary that does not export V8's symbols, no prebuilt koffi for the platform) or
// when TAU_NATIVE_MEMORY=0; callers then fall back to plain GCs.
import { readFileSync } from 'node:fs'

/** What one trim did: RssAnon (from /proc/self/status, kB) before and after, its wall time, and
 *  which malloc's call it was (glibc's malloc_trim or jemalloc's purge). */
export interface TrimResult { anonBeforeKB: number, anonAfterKB: number, ms: number, allocator: Allocator }

interface Calls { trim: ((pad: number) => number) | null, pressure: (() => Promise<void>) | null }
let calls: Calls | undefined
const why: { trim: string, pressure: string } = { trim: '', pressure: '' }

// Itanium-mangled names of v8::Isolate::GetCurrent() and
// v8::Isolate::MemoryPressureNotification(v8::MemoryPressureLevel), exported by the node binary.
const V8_GET_CURRENT = '_ZN2v87Isolate10GetCurrentEv'
const V8_MEMORY_PRESSURE = '_ZN2v87Isolate26MemoryPressureNotificationENS_19MemoryPressureLevelE'
/** v8::MemoryPressureLevel::kCritical. */
const PRESSURE_CRITICAL = 2
/** jemalloc's MALLCTL_ARENAS_ALL (jemalloc ≥ 5): "arena.4096.purge" purges every arena. */
const JEMALLOC_PURGE_ALL = 'arena.4096.purge'

/** The malloc the process runs on: jemalloc when it was preloaded (LD_PRELOAD), else the libc's. */
export type Allocator = 'jemalloc' | 'libc'

let allocatorSeen: Allocator | undefined

/** Which malloc this process runs on, read from its own memory map (once; 'libc' without /proc). */
export function allocator (): Allocator {
  if (allocatorSeen === undefined) {
    try { allocatorSeen = /\/libjemalloc[^/\n]*\.so/.test(readFileSync('/proc/self/maps', 'utf8')) ? 'jemalloc' : 'libc' } catch { allocatorSeen = 'libc' }
  }
  return allocatorSeen
}

/** The --v8-pool-size this process was started with (argv or NODE_OPTIONS; the last one counts), or null for Node's default. */
export function v8PoolSize (): number | null {
  const all = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].join(' ')
  const m = [...all.matchAll(/--v8-pool-size[= ](\d+)/g)].pop()
  return m === undefined ? null : Number(m[1])
}

/** RssAnon of this process in kB (0 where /proc is not there). */
export function rssAnonKB (): number {
  try {
    const m = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    return m === null ? 0 : Number(m[1])
  } catch { return 0 }
}

async function load (): Promise<Calls> {
  if (calls !== undefined) return calls
  calls = { trim: null, pressure: null }
  if (process.env.TAU_NATIVE_MEMORY === '0') { why.trim = why.pressure = 'TAU_NATIVE_MEMORY=0'; return calls }
  if (process.platform !== 'linux') { why.trim = why.pressure = `not on ${process.platform}`; return calls }
  let koffi: (typeof import('koffi'))['default']
  try { koffi = (await import('koffi')).default } catch (e) {
    why.trim = why.pressure = `koffi: ${(e as Error).message}`
    return calls
  }
  try {
    if (allocator() === 'jemalloc') {
      // The global scope (null) holds the preloaded jemalloc's symbols.
      const mallctl = koffi.load(null).func('int mallctl(const char *name, void *oldp, void *oldlenp, void *newp, size_t newlen)')
      calls.trim = (): number => mallctl(JEMALLOC_PURGE_ALL, null, null, null, 0) as number
    } else {
      // libc.so.6 is glibc's soname; musl's libc has another name and no malloc_trim.
      const fn = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)')
      calls.trim = (pad: number): number => fn(pad) as number
    }
  } catch (e) { why.trim = (e as Error).message }
  try {
    const self = koffi.load(null) // the node binary's own exported symbols
    const isolate: unknown = self.func(`void *${V8_GET_CURRENT}()`)()
    if (isolate === null) throw new Error('no current isolate')
    const notify = self.func(`void ${V8_MEMORY_PRESSURE}(void *isolate, int level)`)
    calls.pressure = async (): Promise<void> => {
      await new Promise<void>((resolve, reject) => {
        notify.async(isolate, PRESSURE_CRITICAL, (err: unknown) => { if (err === null || err === undefined) resolve(); else reject(err as Error) })
      })
      // The GC runs at the main thread's next interrupt check: a turn of the event loop.
      await new Promise<void>(resolve => { setImmediate(resolve) })
    }
  } catch (e) { why.pressure = (e as Error).message }
  return calls
}

/** Why a call is not available here ('' when it is, or was not tried yet). */
export function nativeUnavailable (): { trim: string, pressure: string } { return { ...why } }

/**
 * A compacting full GC under critical memory pressure (V8 frees what it can and unmaps the pages).
 * Resolves to false where it cannot be had (nativeUnavailable says why).
 */
export async function memoryPressureGc (): Promise<boolean> {
  const { pressure } = await load()
  if (pressure === null) return false
  await pressure()
  return true
}

/**
 * Gives the free pages of every malloc arena back to the OS (tens of ms on the calling thread for a
 * few hundred MB of heap): glibc's malloc_trim(0), or jemalloc's purge of every arena. Resolves to
 * null where it cannot be done (nativeUnavailable says why).
 */
export async function mallocTrim (): Promise<TrimResult | null> {
  const { trim } = await load()
  if (trim === null) return null
  const anonBeforeKB = rssAnonKB()
  const t0 = performance.now()
  trim(0)
  const ms = performance.now() - t0
  return { anonBeforeKB, anonAfterKB: rssAnonKB(), ms, allocator: allocator() }
}
