// Hash routing: every page has its own URL (#/block/<id>, #/account/<key>?before=…), so deep links,
// reloads and the back button work on any static host and never collide with the API's paths.
export interface PageContext {
  params: string[]
  query: URLSearchParams
  /** Aborted when the user leaves the page: pending requests and live listeners stop. */
  signal: AbortSignal
  view: HTMLElement
}

export type Page = (ctx: PageContext) => Promise<void> | void

interface Route { pattern: RegExp, page: Page, title: string }

export class HashRouter {
  private readonly routes: Route[] = []
  private current?: AbortController
  private renders = 0

  constructor (private readonly view: HTMLElement, private readonly notFound: Page, private readonly onError: (e: unknown, view: HTMLElement) => void) {}

  add (pattern: RegExp, title: string, page: Page): this {
    this.routes.push({ pattern, page, title })
    return this
  }

  start (): void {
    // A hash that is not a route (an in-page anchor such as #view) leaves the page as it is.
    window.addEventListener('hashchange', () => { if (isRoute(location.hash)) void this.render() })
    void this.render()
  }

  /** Renders the page for the current hash; an older render still loading is aborted. */
  async render (): Promise<void> {
    this.current?.abort()
    const ac = new AbortController()
    this.current = ac
    const raw = isRoute(location.hash) ? location.hash.slice(1) : '/'
    const q = raw.indexOf('?')
    const path = q < 0 ? raw : raw.slice(0, q)
    const qs = q < 0 ? '' : raw.slice(q + 1)
    const route = this.routes.find(r => r.pattern.test(path))
    const params = route !== undefined ? (route.pattern.exec(path) ?? []).slice(1).map(safeDecode) : []
    document.title = `${route?.title ?? 'Not found'} · TAU explorer`
    this.view.setAttribute('aria-busy', 'true')
    const ctx: PageContext = { params, query: new URLSearchParams(qs), signal: ac.signal, view: this.view }
    try {
      await (route?.page ?? this.notFound)(ctx)
    } catch (e) {
      if (ac.signal.aborted) return
      this.onError(e, this.view)
    } finally {
      if (!ac.signal.aborted) {
        this.view.removeAttribute('aria-busy')
        // After a navigation, move focus to the new page's heading so keyboard and screen-reader
        // users land on it; the first page load keeps the browser's order (skip link first).
        if (this.renders++ > 0) this.view.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true })
      }
    }
  }
}

const isRoute = (hash: string): boolean => hash.startsWith('#/')

/** A malformed %-escape stays as typed (the page then says not found) instead of throwing. */
function safeDecode (s: string): string {
  try { return decodeURIComponent(s) } catch { return s }
}

export const go = (hash: string): void => { location.hash = hash }
/** Replaces the current history entry (a search result page, a height → id redirect). */
export const redirect = (hash: string): void => {
  history.replaceState(null, '', hash)
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}
