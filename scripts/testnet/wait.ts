// The one wait-with-deadline of the repository: the testnet tool and every test wait through it
// (tests through test/helpers/wait.ts, which only changes a default). Every wait has a deadline and
// a bound on its tries, and stops early when the run is aborted.

export class AbortedError extends Error {
  readonly code = 'WAIT_ABORTED'
  constructor () { super('aborted') }
}

export class TimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT'
}

/** Pause between tries when the caller gives none. */
export const DEFAULT_WAIT_INTERVAL_MS = 50

export function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) { reject(new AbortedError()); return }
    const onAbort = (): void => { clearTimeout(t); reject(new AbortedError()) }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export interface WaitOptions {
  timeoutMs: number
  /** Pause between tries (default DEFAULT_WAIT_INTERVAL_MS). */
  intervalMs?: number
  /** What is awaited, for the timeout error. */
  what?: string
  signal?: AbortSignal
  /** Its text goes into the timeout error: every node's tip, height and last log lines. */
  describe?: () => string | Promise<string>
  /**
   * When the probe throws: true tries again (a node still starting refuses connections) and puts the
   * last error into the timeout error; false (the default) ends the wait with that error, so a node
   * that crashed fails the wait at once.
   */
  retryErrors?: boolean
}

type Probe<T> = () => T | undefined | false | null | Promise<T | undefined | false | null>

const durationText = (ms: number): string => ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`

/** Calls `fn` until it returns a value (not undefined, false or null), at most until the deadline. */
export async function waitFor<T> (fn: Probe<T>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs
  const intervalMs = Math.max(1, o.intervalMs ?? DEFAULT_WAIT_INTERVAL_MS)
  // The count bound is a second guard beside the clock: one try per interval, plus one.
  const maxTries = Math.ceil(o.timeoutMs / intervalMs) + 1
  let lastError: unknown
  for (let i = 0; i < maxTries; i++) {
    if (o.signal?.aborted === true) throw new AbortedError()
    try {
      const v = await fn()
      if (v !== undefined && v !== false && v !== null) return v
    } catch (e) {
      if (o.retryErrors !== true || e instanceof AbortedError) throw e
      lastError = e
    }
    const left = deadline - Date.now()
    if (left <= 0) break
    await sleep(Math.min(intervalMs, left), o.signal)
  }
  const seen = o.describe === undefined ? '' : await o.describe()
  const err = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
  throw new TimeoutError(`timed out after ${durationText(o.timeoutMs)} waiting for ${o.what ?? 'condition'}${err}${seen !== '' ? '\n' + seen : ''}`)
}
