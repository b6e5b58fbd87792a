// One EventSource on /events for the whole app: pages subscribe to the event types they show and
// unsubscribe when they are left (their AbortSignal). The browser reconnects by itself (the node
// sends `retry: 3000`); the header shows whether the stream is up.
export type LiveType = 'block' | 'reorg' | 'tx' | 'vote' | 'warning'
type Listener = (data: unknown) => void

const listeners = new Map<LiveType, Set<Listener>>()
let source: EventSource | undefined

export function connectLive (indicator: HTMLElement): void {
  if (source !== undefined) return
  source = new EventSource('/events?types=block,reorg,tx,vote,warning')
  const show = (up: boolean): void => {
    indicator.textContent = up ? 'live' : 'reconnecting…'
    indicator.className = up ? 'live up' : 'live down'
  }
  source.addEventListener('open', () => { show(true) })
  source.addEventListener('error', () => { show(false) })
  for (const t of ['block', 'reorg', 'tx', 'vote', 'warning'] as const) {
    source.addEventListener(t, ev => {
      let data: unknown
      try { data = JSON.parse((ev as MessageEvent<string>).data) } catch { return }
      for (const l of listeners.get(t) ?? []) l(data)
    })
  }
}

export function onLive (type: LiveType, signal: AbortSignal, fn: Listener): void {
  let set = listeners.get(type)
  if (set === undefined) { set = new Set(); listeners.set(type, set) }
  set.add(fn)
  signal.addEventListener('abort', () => { set.delete(fn) }, { once: true })
}

/** Calls fn at most once per `ms`, after the last call in a burst (blocks arrive in bursts while syncing). */
export function debounce (ms: number, signal: AbortSignal, fn: () => void): () => void {
  let timer: number | undefined
  signal.addEventListener('abort', () => { clearTimeout(timer) }, { once: true })
  return () => {
    clearTimeout(timer)
    timer = window.setTimeout(() => { if (!signal.aborted) fn() }, ms)
  }
}
