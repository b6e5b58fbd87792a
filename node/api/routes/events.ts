// GET /events: the live stream (see ../events.ts). `?types=block,tx` narrows it; the
// Last-Event-ID header (or `?lastEventId=`, for clients that cannot set headers) resumes it.
import { ApiError, RateLimitError, type Router } from '../http.js'
import type { ApiDeps } from '../deps.js'
import { SSE_EVENT_TYPES, type SseEventType } from '../events.js'

export function addEventRoutes (router: Router, { hub }: ApiDeps): void {
  router.add('GET', '/events', req => {
    const q = req.query.get('types')
    let types: Set<SseEventType> = new Set(SSE_EVENT_TYPES)
    if (q !== null && q !== '') {
      const asked = q.split(',')
      const bad = asked.find(t => !(SSE_EVENT_TYPES as readonly string[]).includes(t))
      if (bad !== undefined || asked.length > SSE_EVENT_TYPES.length) throw new ApiError('BAD_PARAM', `types must be a comma-separated subset of ${SSE_EVENT_TYPES.join(',')}`)
      types = new Set(asked as SseEventType[])
    }
    if (hub.full) throw new RateLimitError('TOO_MANY_STREAMS', 'too many event streams open; retry later', 5)
    const header = req.raw.headers['last-event-id']
    const last = (typeof header === 'string' ? header : undefined) ?? req.query.get('lastEventId') ?? undefined
    if (last !== undefined && last.length > 64) throw new ApiError('BAD_PARAM', 'Last-Event-ID over 64 characters')
    return { stream: res => { hub.attach(res, types, last) } }
  })
}
