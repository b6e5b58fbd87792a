// The API server's browser side on a real HTTP server: the explorer's files (content types, CSP,
// ETag revalidation, no path escapes), --no-ui, and CORS for --api-cors origins only (never the
// authorization header, so other origins cannot reach admin routes). Config parsing of both flags.
import { expect } from 'chai'
import { type Server, get as httpGet } from 'node:http'
import type { AddressInfo } from 'node:net'
import { NodeError } from '../../../../node/errors.js'
import { Router, createApiServer } from '../../../../node/api/http.js'
import { webHooks } from '../../../../node/api/web.js'
import { isOrigin } from '../../../../node/api/cors.js'
import { loadConfig } from '../../../../node/config.js'
import { createLogger } from '../../../../node/logger.js'
import { UI_CSP } from '../../../../node/ui/constants.js'

const log = createLogger('error', 'json')

async function serve (ui: boolean, cors: string[]): Promise<{ url: string, server: Server }> {
  const router = new Router().add('GET', '/status', () => ({ body: { height: 7 } })).add('POST', '/tx', () => ({ body: { id: 'x' } }))
  const server = createApiServer(router, log, { hooks: webHooks({ ui, cors }, log) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

describe('node/ui: explorer files and CORS on the API server', function () {
  this.timeout(60_000)
  let s: { url: string, server: Server }
  before(async () => { s = await serve(true, ['http://127.0.0.1:3000', 'https://explorer.example']) })
  after(async () => { await new Promise(resolve => { s.server.close(resolve); s.server.closeAllConnections() }) })

  it('serves the explorer shell at / with a strict CSP and nosniff', async () => {
    const r = await fetch(`${s.url}/`)
    expect(r.status).to.equal(200)
    expect(r.headers.get('content-type')).to.equal('text/html; charset=utf-8')
    expect(r.headers.get('content-security-policy')).to.equal(UI_CSP)
    expect(UI_CSP).to.include("script-src 'self'").and.not.include('unsafe')
    expect(r.headers.get('x-content-type-options')).to.equal('nosniff')
    const html = await r.text()
    expect(html).to.include('/ui/explorer.js').and.include('/ui/app.css')
    expect(html, 'no inline script or style').to.not.match(/<script>|<style|style=/)
  })

  it('serves the bundled script and the stylesheet (with uPlot\'s) from this package, revalidated by ETag', async () => {
    const js = await fetch(`${s.url}/ui/explorer.js`)
    expect(js.status).to.equal(200)
    expect(js.headers.get('content-type')).to.equal('text/javascript; charset=utf-8')
    const body = await js.text()
    expect(body.length).to.be.within(10_000, 400_000)
    expect(body, 'no CDN').to.not.match(/https?:\/\/(cdn|unpkg|jsdelivr)/)
    const etag = js.headers.get('etag')
    expect(etag).to.match(/^"[\w-]{22}"$/)
    const again = await fetch(`${s.url}/ui/explorer.js`, { headers: { 'if-none-match': etag ?? '' } })
    expect(again.status).to.equal(304)
    const css = await fetch(`${s.url}/ui/app.css`)
    expect(css.headers.get('content-type')).to.equal('text/css; charset=utf-8')
    expect(await css.text()).to.include('.uplot').and.include('--bg')
    const plain = await new Promise<{ enc: string | undefined, len: number }>((resolve, reject) => {
      httpGet(`${s.url}/ui/explorer.js`, { headers: { 'accept-encoding': 'identity' } }, res => {
        let n = 0
        res.on('data', (c: Buffer) => { n += c.length })
        res.on('end', () => { resolve({ enc: res.headers['content-encoding'], len: n }) })
      }).on('error', reject)
    })
    expect(plain.enc).to.equal(undefined)
    expect(plain.len, 'identity when gzip is not accepted').to.equal(body.length)
    expect(js.headers.get('content-encoding'), 'fetch accepts gzip').to.equal('gzip')
    const head = await fetch(`${s.url}/ui/netdash.js`, { method: 'HEAD' })
    expect(head.status).to.equal(200)
    expect(Number(head.headers.get('content-length'))).to.be.greaterThan(1000)
  })

  it('answers unknown or escaping asset paths with a coded 404, and leaves API routes to the router', async () => {
    for (const p of ['/ui/nope.js', '/ui/..%2f..%2fpackage.json', '/ui/../package.json', '/ui/assets.ts', `/ui/${'a'.repeat(100)}.js`]) {
      const r = await fetch(`${s.url}${p}`)
      expect(r.status, p).to.equal(404)
      expect(((await r.json()) as { code: string }).code, p).to.equal('NOT_FOUND')
    }
    expect(await (await fetch(`${s.url}/status`)).json()).to.deep.equal({ height: 7 })
    expect((await fetch(`${s.url}/`, { method: 'POST' })).status, 'POST / is the router\'s (no route)').to.equal(404)
  })

  it('CORS: an allowed origin gets its own origin back; others and no-origin requests get nothing', async () => {
    const ok = await fetch(`${s.url}/status`, { headers: { origin: 'https://explorer.example' } })
    expect(ok.headers.get('access-control-allow-origin')).to.equal('https://explorer.example')
    expect(ok.headers.get('vary')).to.equal('Origin')
    const other = await fetch(`${s.url}/status`, { headers: { origin: 'https://evil.example' } })
    expect(other.status).to.equal(200)
    expect(other.headers.get('access-control-allow-origin')).to.equal(null)
    expect((await fetch(`${s.url}/status`)).headers.get('access-control-allow-origin')).to.equal(null)
  })

  it('CORS preflight: 204 with methods and headers for an allowed origin, never the authorization header', async () => {
    const pre = await fetch(`${s.url}/tx`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } })
    expect(pre.status).to.equal(204)
    expect(pre.headers.get('access-control-allow-origin')).to.equal('http://127.0.0.1:3000')
    expect(pre.headers.get('access-control-allow-methods')).to.include('POST')
    expect(pre.headers.get('access-control-allow-headers')).to.equal('content-type, last-event-id')
    const bad = await fetch(`${s.url}/tx`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(bad.status).to.equal(204)
    expect(bad.headers.get('access-control-allow-origin')).to.equal(null)
    expect(bad.headers.get('access-control-allow-methods')).to.equal(null)
  })

  it('--no-ui: / and /ui/* are plain API 404s; without --api-cors there are no CORS headers', async () => {
    const off = await serve(false, [])
    try {
      const r = await fetch(`${off.url}/`, { headers: { origin: 'https://explorer.example' } })
      expect(r.status).to.equal(404)
      expect(((await r.json()) as { code: string }).code).to.equal('NOT_FOUND')
      expect(r.headers.get('access-control-allow-origin')).to.equal(null)
      expect((await fetch(`${off.url}/ui/explorer.js`)).status).to.equal(404)
    } finally {
      await new Promise(resolve => { off.server.close(resolve); off.server.closeAllConnections() })
    }
  })
})

describe('node/config: --ui and --api-cors', () => {
  it('serves the UI by default, with no CORS origin', () => {
    const c = loadConfig({}, {})
    expect(c.ui).to.equal(true)
    expect(c.apiCors).to.deep.equal([])
    expect(loadConfig({ ui: false }, {}).ui).to.equal(false)
    expect(loadConfig({}, { TAU_UI: 'false' }).ui).to.equal(false)
  })

  it('takes a comma-separated list of exact origins from the flag or TAU_API_CORS', () => {
    expect(loadConfig({ 'api-cors': 'http://127.0.0.1:3000, https://explorer.example' }, {}).apiCors).to.deep.equal(['http://127.0.0.1:3000', 'https://explorer.example'])
    expect(loadConfig({}, { TAU_API_CORS: 'https://a.example' }).apiCors).to.deep.equal(['https://a.example'])
  })

  it('refuses anything that is not an origin with CONFIG_BAD_VALUE', () => {
    for (const bad of ['*', 'explorer.example', 'https://explorer.example/', 'https://explorer.example/path', 'ftp://x.example', 'https://UPPER.example', 'http://a.example,']) {
      if (bad === 'http://a.example,') { expect(loadConfig({ 'api-cors': bad }, {}).apiCors).to.deep.equal(['http://a.example']); continue }
      let err: unknown
      try { loadConfig({ 'api-cors': bad }, {}) } catch (e) { err = e }
      expect(err, bad).to.be.instanceOf(NodeError)
      expect((err as NodeError).code, bad).to.equal('CONFIG_BAD_VALUE')
    }
    expect(isOrigin('http://[::1]:8080')).to.equal(true)
    let many: unknown
    try { loadConfig({ 'api-cors': Array.from({ length: 17 }, (_, i) => `https://h${i}.example`).join(',') }, {}) } catch (e) { many = e }
    expect((many as NodeError).code).to.equal('CONFIG_BAD_VALUE')
  })
})
