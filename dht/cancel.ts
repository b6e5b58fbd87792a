// A light stand-in for AbortController inside the DHT's get path. Every get made two of them (the
// queue's job and the retransmitting direct get's), each an EventTarget with its own listener
// lists, and four listeners were added and removed on them per get: 3–4 % of a syncing node's main
// thread (createAbortSignal, add/removeEventListener) before the garbage they left. A Canceller is
// a plain object with a short listener array. It keeps AbortSignal's semantics where the get path
// relies on them: `aborted` and `reason` are set before any listener runs, each listener runs at
// most once, a listener added after the abort is never called (as with AbortSignal), and a
// listener that throws does not stop the others (its error is rethrown on a later tick, as an
// EventTarget reports it). A real AbortSignal satisfies CancelSignal, so callers may pass either.

/** What the get path reads of a signal: AbortSignal's shape, restricted to 'abort'. */
export interface CancelSignal {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener: (type: 'abort', listener: () => void, options?: { once?: boolean }) => void
  removeEventListener: (type: 'abort', listener: () => void) => void
}

export class Canceller implements CancelSignal {
  aborted = false
  reason: unknown = undefined
  private listeners: Array<() => void> | undefined

  /** The signal side (the object itself: one allocation per get instead of a controller and a signal). */
  get signal (): CancelSignal { return this }

  addEventListener (_type: 'abort', listener: () => void): void {
    if (this.aborted) return
    if (this.listeners === undefined) this.listeners = [listener]
    else if (!this.listeners.includes(listener)) this.listeners.push(listener)
  }

  removeEventListener (_type: 'abort', listener: () => void): void {
    const ls = this.listeners
    if (ls === undefined) return
    const i = ls.indexOf(listener)
    if (i >= 0) ls.splice(i, 1)
  }

  /** Sets `aborted` and `reason` (an Error named AbortError by default), then runs each listener once. */
  abort (reason?: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })
    const ls = this.listeners
    this.listeners = undefined
    if (ls === undefined) return
    for (const fn of ls) {
      try {
        fn()
      } catch (e) {
        setImmediate(() => { throw e })
      }
    }
  }
}
