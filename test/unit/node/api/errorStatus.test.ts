// The one table from error code to HTTP status (node/api/errorStatus.ts), and a real HTTP server
// answering coded errors thrown by routes with the table's status.
import { expect } from 'chai'
import type { Server } from 'node:http'
import { Writable } from 'node:stream'
import { CHAIN_ERROR_CODES, ChainError } from '../../../../chain/errors.js'
import { HTTP_STATUS, httpStatusOf } from '../../../../node/api/errorStatus.js'
import { ApiError, RateLimitError, Router, createApiServer, rethrowAsApiError } from '../../../../node/api/http.js'
import { NODE_ERROR_CODES, NodeError } from '../../../../node/errors.js'
import { createLogger } from '../../../../node/logger.js'

describe('node/api errorStatus: one table from code to HTTP status', () => {
  it('gives every chain and node code a 4xx or 5xx status', () => {
    const codes = [...CHAIN_ERROR_CODES, ...NODE_ERROR_CODES]
    expect(Object.keys(HTTP_STATUS).sort()).to.deep.equal([...new Set(codes)].sort())
    for (const c of codes) expect(httpStatusOf(c)).to.be.within(400, 599)
  })

  it('answers pool conflicts 409, unknown things 404, the store 500, input 400', () => {
    for (const c of CHAIN_ERROR_CODES.filter(c => c.startsWith('POOL_'))) expect(HTTP_STATUS[c], c).to.equal(409)
    expect([HTTP_STATUS.TX_BAD_NONCE, HTTP_STATUS.TX_ALREADY_MINED]).to.deep.equal([409, 409])
    expect([HTTP_STATUS.TX_NOT_FOUND, HTTP_STATUS.BLOCK_NOT_FOUND, HTTP_STATUS.MSG_NOT_FOUND, HTTP_STATUS.NOT_FOUND]).to.deep.equal([404, 404, 404, 404])
    expect(HTTP_STATUS.STORE_CORRUPT).to.equal(500)
    expect([HTTP_STATUS.TX_BAD_SIGNATURE, HTTP_STATUS.CODEC_TRUNCATED, HTTP_STATUS.MSG_BAD_FRIEND, HTTP_STATUS.BAD_PARAM]).to.deep.equal([400, 400, 400, 400])
    expect(new ApiError('ADMIN_TOKEN_REQUIRED', 'x').status).to.equal(401)
    expect(new RateLimitError('RATE_LIMITED', 'x', 1).status).to.equal(429)
    expect(new RateLimitError('BUSY', 'x', 1).status).to.equal(503)
  })

  describe('on a real server', function () {
    this.timeout(20_000)
    let server: Server
    let base: string

    before(async () => {
      const router = new Router()
      const fails = (e: Error) => () => { try { throw e } catch (x) { rethrowAsApiError(x) } }
      router.add('GET', '/pool-full', fails(new ChainError('POOL_FULL', 'the pool is full')))
      router.add('GET', '/mined', fails(new NodeError('TX_ALREADY_MINED', 'transaction is already mined')))
      router.add('GET', '/corrupt', fails(new ChainError('STORE_CORRUPT', 'block x is missing')))
      router.add('GET', '/bug', fails(new TypeError('a bug')))
      router.add('GET', '/param', () => { throw new ApiError('BAD_PARAM', 'n must be an integer') })
      // The 500 paths log at error level: into a sink, so the test output stays clean.
      server = createApiServer(router, createLogger('error', 'json', new Writable({ write (_c, _e, cb) { cb() } })))
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    })
    after(async () => { server.closeAllConnections(); await new Promise<void>(resolve => server.close(() => resolve())) })

    const get = async (path: string): Promise<{ status: number, code: string }> => {
      const r = await fetch(`${base}${path}`)
      return { status: r.status, code: ((await r.json()) as { code: string }).code }
    }

    it('answers a route\'s chain or node error with its code and the table\'s status', async () => {
      expect(await get('/pool-full')).to.deep.equal({ status: HTTP_STATUS.POOL_FULL, code: 'POOL_FULL' })
      expect(await get('/mined')).to.deep.equal({ status: HTTP_STATUS.TX_ALREADY_MINED, code: 'TX_ALREADY_MINED' })
      expect(await get('/param')).to.deep.equal({ status: HTTP_STATUS.BAD_PARAM, code: 'BAD_PARAM' })
    })

    it('leaves STORE_CORRUPT and plain errors to the server\'s 500 handling', async () => {
      expect(await get('/corrupt')).to.deep.equal({ status: 500, code: 'STORE_CORRUPT' })
      expect(await get('/bug')).to.deep.equal({ status: 500, code: 'INTERNAL' })
    })
  })
})
