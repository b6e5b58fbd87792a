// What the API server does for browsers before routing: CORS for the configured origins, and the
// explorer's pages at `/` and /ui/* unless --no-ui. Kept here so server.ts only passes options on.
import type { Logger } from '../logger.js'
import { uiRequestHook } from '../ui/serve.js'
import { corsHook } from './cors.js'
import type { PreRouteHook } from './http.js'

export interface WebOptions {
  /** Serve the explorer at `/` (`--no-ui` turns it off). */
  ui: boolean
  /** Origins allowed to read the API from a browser (`--api-cors`). */
  cors: readonly string[]
}

export function webHooks (o: WebOptions, log: Logger): PreRouteHook[] {
  const hooks: PreRouteHook[] = []
  if (o.cors.length > 0) hooks.push(corsHook(o.cors))
  if (o.ui) hooks.push(uiRequestHook({ shell: 'index.html', log }))
  return hooks
}
