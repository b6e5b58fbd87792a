// Waiting with a deadline: the only way tests wait. On timeout the error carries a
// description of what was seen (callers pass `describe` to print every node's state).

export interface WaitOptions {
  timeoutMs: number
  intervalMs?: number
  /** Called on timeout; its text goes into the error, e.g. every node's height and tip. */
  describe?: () => string | Promise<string>
  what?: string
}

export async function waitFor<T> (fn: () => T | undefined | false | null | Promise<T | undefined | false | null>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  const interval = opts.intervalMs ?? 50
  let lastError: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined && v !== false && v !== null) return v
    } catch (e) {
      lastError = e
    }
    if (Date.now() >= deadline) break
    await new Promise(resolve => setTimeout(resolve, Math.min(interval, Math.max(1, deadline - Date.now()))))
  }
  const seen = opts.describe ? await opts.describe() : ''
  const err = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what ?? 'condition'}${err}${seen ? '\n' + seen : ''}`)
}
