// Bounded waiting for the testnet tool: every wait has a deadline and stops early when the run is aborted.

export class AbortedError extends Error {
  constructor () { super('aborted') }
}

export class TimeoutError extends Error {}

export function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) { reject(new AbortedError()); return }
    const onAbort = (): void => { clearTimeout(t); reject(new AbortedError()) }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export interface PollOptions {
  timeoutMs: number
  intervalMs: number
  what: string
  signal?: AbortSignal
  /** Its text goes into the timeout error: every node's tip, height and last log lines. */
  describe?: () => string | Promise<string>
}

/** Calls `fn` until it returns a value (not undefined), at most until the deadline. */
export async function pollUntil<T> (fn: () => Promise<T | undefined>, o: PollOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs
  // The count bound is a second guard beside the clock: one try per interval, plus one.
  const maxTries = Math.ceil(o.timeoutMs / Math.max(1, o.intervalMs)) + 1
  for (let i = 0; i < maxTries; i++) {
    if (o.signal?.aborted === true) throw new AbortedError()
    const v = await fn()
    if (v !== undefined) return v
    const left = deadline - Date.now()
    if (left <= 0) break
    await sleep(Math.min(o.intervalMs, left), o.signal)
  }
  const seen = o.describe === undefined ? '' : '\n' + await o.describe()
  throw new TimeoutError(`timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${o.what}${seen}`)
}
