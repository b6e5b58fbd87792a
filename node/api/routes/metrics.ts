// GET /metrics: Prometheus text exposition (prom-client; the metrics are defined in ../metrics.ts).
import type { Router } from '../http.js'
import type { ApiDeps } from '../deps.js'

export function addMetricsRoutes (router: Router, { metrics }: ApiDeps): void {
  router.add('GET', '/metrics', async () => ({
    raw: await metrics.text(), headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' }
  }))
}
