// GET /openapi.json (see ../openapi.ts).
import type { Router } from '../http.js'
import { NO_STORE } from '../format.js'
import { openApiDocument } from '../openapi.js'

export function addOpenApiRoutes (router: Router): void {
  router.add('GET', '/openapi.json', () => ({ body: openApiDocument(), headers: NO_STORE }))
}
