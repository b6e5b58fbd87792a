// createApiServer's public-mode deadlines on a real HTTP server: a handler that does not answer in
// time gets 503 TIMEOUT with retry-after, a request whose headers never finish gets 408, and the
// answered-request hook sees route patterns, not raw paths.
import { expect } from 'chai'
import { connect } from 'node:net'
import type { Server } from 'node:http'
import { Router, createApiServer } from '../../../node/api/http.js'
import { createLogger } from '../../../node/logger.js'
import { ClientLimiter } from '../../../node/api/publicMode.js'

describe('node/api createApiServer deadlines', function () {
  this.timeout(20_000)
  let server: Server
  let base: string
  const answered: string[] = []

  before(async () => {
    const router = new Router()
    router.add('GET', '/slow/:n', async () => { await new Promise(resolve => setTimeout(resolve, 1500)); return { body: { late: true } } })
    router.add('GET', '/fast/:n', () => ({ body: { ok: true } }))
    server = createApiServer(router, createLogger('error', 'json'), {
      limiter: new ClientLimiter(), handlerTimeoutMs: 200, headersTimeoutMs: 300, requestTimeoutMs: 500, timeoutCheckMs: 100,
      onAnswered: (route, method, status) => { answered.push(`${method} ${route} ${status}`) }
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  after(async () => { server.closeAllConnections(); await new Promise<void>(resolve => server.close(() => resolve())) })

  it('answers 503 TIMEOUT with retry-after when a handler is too slow', async () => {
    const r = await fetch(`${base}/slow/1`)
    expect(r.status).to.equal(503)
    expect(r.headers.get('retry-after')).to.equal('1')
    expect(await r.json()).to.include({ code: 'TIMEOUT' })
    expect((await fetch(`${base}/fast/7`)).status).to.equal(200)
    expect(answered).to.include.members(['GET /slow/:n 503', 'GET /fast/:n 200'])
  })

  it('answers 408 to a request whose headers never finish', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port }, () => { s.write('GET /fast/1 HTTP/1.1\r\nhost: x\r\n') })
      let got = ''
      s.on('data', (c: Buffer) => { got += c.toString() })
      s.on('close', () => { resolve(got) })
      s.on('error', reject)
      setTimeout(() => { s.destroy(); reject(new Error(`no answer in 10 s: ${got}`)) }, 10_000)
    })
    expect(text).to.match(/^HTTP\/1\.1 408 /)
    expect(text).to.include('"code":"REQUEST_TIMEOUT"')
  })
})
