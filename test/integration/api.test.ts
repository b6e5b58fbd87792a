// The REST API against real nodes started in-process (test/helpers/apiNode.ts).
import { expect } from 'chai'
import { request as httpRequest, Agent, type IncomingMessage } from 'node:http'
import { toHex } from '../../chain/hex.js'
import { createTransfer, encodeTx, txId } from '../../chain/tx.js'
import { apiRouters } from '../../node/api/server.js'
import { allRouteDocs } from '../../node/api/openapi.js'
import { KEYS, type Fixture, startApiNode, stopApiNode } from '../helpers/apiNode.js'
import { schemaValidator } from '../helpers/apiSchema.js'
import { HTTP_STATUS } from '../../node/api/errorStatus.js'
import type { ApiErrorCode } from '../../node/errors.js'

interface Res { status: number, headers: IncomingMessage['headers'], text: string, json: any }

const agent = new Agent({ keepAlive: true, maxSockets: 20 })

/** One request through node:http (fetch would normalise malformed paths away). */
function call (base: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Res> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, agent, headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers }, res => {
      if (res.headers['content-type']?.startsWith('text/event-stream') === true) { // an open stream: headers are the answer
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: undefined })
        req.destroy()
        return
      }
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
      res.on('error', reject)
    })
    req.on('error', e => { if (!req.destroyed || (e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e) })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.end(body)
  })
}

describe('REST API (real node, in-process)', function () {
  this.timeout(60_000)
  let f: Fixture
  const get = (path: string): Promise<Res> => call(f.base, 'GET', path)

  before(async () => { f = await startApiNode({ blocks: 12 }) })
  after(async () => { await stopApiNode(f) })

  it('status keeps the testnet fields and adds consensus point, warnings, next eligible time, version', async () => {
    const r = await get('/status')
    expect(r.status).to.equal(200)
    expect(r.headers['cache-control']).to.equal('no-store')
    for (const k of ['chainId', 'genesisId', 'height', 'tipId', 'tipTime', 'cumulativeDifficulty', 'syncing', 'ready', 'mining', 'peers', 'knownPeers',
      'poolSize', 'minedBlocks', 'importedBlocks', 'reorgs', 'votingRounds', 'publicKey', 'dht', 'consensusPoint', 'warnings', 'nextEligibleTime', 'version']) {
      expect(r.json, k).to.have.property(k)
    }
    expect(r.json.height).to.equal(12)
    expect((await get('/health')).status).to.equal(200)
  })

  it('blocks: tip, by id (immutable, optional txs), status, by height, keyset pages', async () => {
    const tip = f.blocks[11]
    const t = await get('/blocks/tip')
    expect(t.json.id).to.equal(toHex(tip.id))
    expect(t.headers['cache-control']).to.equal('no-store')
    const b = await get(`/block/${toHex(tip.id)}?txs=1`)
    expect(b.status).to.equal(200)
    expect(b.headers['cache-control']).to.equal('public, max-age=31536000, immutable')
    expect(b.json.height).to.equal(12)
    expect(b.json.txs).to.have.length(3)
    expect(b.json.txs[0].id).to.equal(toHex(txId(tip.txs[0])))
    expect(b.json.txs[0].amount).to.be.a('string')
    expect(b.json.baseTarget).to.match(/^\d+$/)
    expect((await get(`/block/${toHex(tip.id)}`)).json).to.not.have.property('txs')
    expect((await get(`/block/${toHex(tip.id)}/status`)).json).to.include({ inBestChain: true, nextBest: null })
    expect((await get('/block-height/5')).json.id).to.equal(toHex(f.blocks[4].id))
    expect((await get('/block-height/13')).status).to.equal(404)
    const p1 = await get('/blocks?limit=5')
    expect(p1.json.blocks.map((x: { height: number }) => x.height)).to.deep.equal([12, 11, 10, 9, 8])
    expect(p1.json.next).to.equal(8)
    const p3 = await get('/blocks?before=3&limit=5')
    expect(p3.json.blocks.map((x: { height: number }) => x.height)).to.deep.equal([2, 1, 0])
    expect(p3.json.next).to.equal(null)
    expect((await get('/blocks?limit=101')).status).to.equal(400)
    const missing = await get(`/block/${'ab'.repeat(32)}`)
    expect(missing.json.code).to.equal('BLOCK_NOT_FOUND')
    expect(missing.status).to.equal(HTTP_STATUS.BLOCK_NOT_FOUND)
  })

  it('transactions: mined with block id and height; submitted ones are pooled; POST /tx contract', async () => {
    const deep = f.blocks[1].txs[0]
    const r = await get(`/tx/${toHex(txId(deep))}`)
    expect(r.json).to.deep.include({ status: 'mined', block: { id: toHex(f.blocks[1].id), height: 2 } })
    expect(r.headers['cache-control']).to.equal('public, max-age=31536000, immutable') // 10 blocks deep > 3·M
    const recent = await get(`/tx/${toHex(txId(f.blocks[11].txs[0]))}`)
    expect(recent.json.block.height).to.equal(12)
    expect(recent.headers['cache-control']).to.equal('no-store') // not final yet

    const acct = (await get(`/account/${toHex(KEYS[1].publicKey)}`)).json
    const tx = createTransfer(KEYS[1].secretKey, KEYS[1].publicKey, {
      chainId: f.genesis.chainId, to: KEYS[2].publicKey, amount: 5, fee: 3, nonce: acct.nextNonce, timestamp: Math.floor(Date.now() / 1000)
    })
    const post = await call(f.base, 'POST', '/tx', JSON.stringify({ tx: toHex(encodeTx(tx)) }))
    expect(post.status).to.equal(200)
    expect(post.json).to.deep.equal({ id: toHex(txId(tx)) })
    const again = await call(f.base, 'POST', '/tx', JSON.stringify({ tx: toHex(encodeTx(tx)) }))
    expect(again.json.code).to.match(/^POOL_/)
    expect(again.status).to.equal(HTTP_STATUS[again.json.code as ApiErrorCode]).and.to.equal(409)
    // A mined transaction: the pool pipeline's typed refusal, answered by the same table.
    const mined = await call(f.base, 'POST', '/tx', JSON.stringify({ tx: toHex(encodeTx(deep)) }))
    expect(mined.json.code).to.equal('TX_ALREADY_MINED')
    expect(mined.status).to.equal(HTTP_STATUS.TX_ALREADY_MINED).and.to.equal(409)
    expect((await call(f.base, 'POST', '/tx', JSON.stringify({ tx: 'zz' }))).json.code).to.equal('BAD_TX')
    const pooled = await get(`/tx/${toHex(txId(tx))}`)
    expect(pooled.json).to.include({ status: 'pool', block: null })
    expect((await get('/pool')).json.size).to.equal(1)
    expect((await get(`/pool/txs?sender=${toHex(KEYS[1].publicKey)}`)).json.txs[0].id).to.equal(toHex(txId(tx)))
  })

  it('accounts: balance as a string, effective power, and mined txs paged by height', async () => {
    const a = await get(`/account/${toHex(KEYS[0].publicKey)}`)
    expect(a.json.balance).to.be.a('string')
    expect(a.json.power).to.be.at.least(1_000_000_000_000) // block rewards may add power
    expect(a.json.effectivePower).to.match(/^\d+$/)
    expect(BigInt(a.json.effectivePower) ** 2n <= BigInt(a.json.power)).to.equal(true)
    const key = toHex(KEYS[1].publicKey)
    const mined = f.blocks.flatMap(b => b.txs.filter(t => toHex(t.f) === key || (t.o !== undefined && toHex(t.o) === key)))
    const seen: string[] = []
    let cursor: string | null = null
    for (let i = 0; i < 40; i++) {
      const page: Res = await get(`/account/${key}/txs?limit=2${cursor !== null ? `&cursor=${cursor}` : ''}`)
      expect(page.status).to.equal(200)
      expect(page.json.txs.length).to.be.at.most(2)
      seen.push(...page.json.txs.map((t: { id: string }) => t.id))
      cursor = page.json.next
      if (cursor === null) break
    }
    // The index lists them newest first, exactly once each.
    expect(seen).to.deep.equal(mined.map(t => toHex(txId(t))).reverse())
    const deep = await get(`/account/${key}/txs?limit=1&cursor=2-0`)
    expect(deep.headers['cache-control']).to.equal('public, max-age=31536000, immutable') // below a final height
    expect((await get(`/account/${key}/txs?cursor=3-x`)).json.code).to.equal('BAD_PARAM')
    expect((await get(`/account/${key}/txs?cursor=3-0&before=3`)).status).to.equal(400)
  })

  it('peers, votes, dht, metrics', async () => {
    const p = await get('/peers')
    expect(p.json.peers.map((x: { key: string }) => x.key)).to.include(toHex(KEYS[1].publicKey))
    expect(p.json.peers[0]).to.have.keys('key', 'endpoint', 'lastSeen', 'lastSeenMs', 'tip', 'penalties', 'banned', 'sources')
    const v = await get('/votes')
    expect(v.json.lastRound.reason).to.equal('stale-tip')
    expect((await get('/dht')).json.stats).to.have.property('gets')
    const m = await get('/metrics')
    expect(m.headers['content-type']).to.match(/^text\/plain; version=0.0.4/)
    expect(m.text).to.match(/^tau_chain_height 12$/m)
    expect(m.text).to.match(/^tau_process_resident_memory_bytes \d+$/m)
    expect(m.text).to.match(/^tau_dht_gets_total\{outcome="direct"\} \d+$/m)
  })

  it('admin routes need the token', async () => {
    expect((await call(f.base, 'POST', '/mining/stop')).status).to.equal(401)
    expect((await call(f.base, 'POST', '/mining/stop', undefined, { authorization: 'Bearer nope' })).status).to.equal(401)
    const ok = await call(f.base, 'POST', '/mining/stop', undefined, { authorization: `Bearer ${f.node.adminToken}` })
    expect(ok.status).to.equal(200)
  })

  it('the router and /openapi.json list the same routes', async () => {
    const router = apiRouters.get(f.node.http!)!
    const routes = router.routes.map(r => `${r.method} ${r.pattern}`).sort()
    const docs = allRouteDocs().map(d => `${d.method} ${d.path}`).sort()
    expect(routes).to.deep.equal(docs)
    const doc = (await get('/openapi.json')).json
    const fromDoc = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map(m => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`)).sort()
    expect(fromDoc).to.deep.equal(routes)
  })

  it('every documented route answers with a documented status and a body valid against its schema', async () => {
    const validate = schemaValidator((await get('/openapi.json')).json)
    const tip = f.blocks[11]
    const fill: Record<string, string> = { key: toHex(KEYS[0].publicKey), n: '3' }
    for (const d of allRouteDocs()) {
      const id = d.path.startsWith('/tx/') ? toHex(txId(f.blocks[3].txs[0])) : toHex(tip.id)
      const path = d.path.replace(/:(\w+)/g, (_m, p: string) => p === 'id' ? id : fill[p] ?? 'x')
      let r: Res
      if (d.path === '/events') {
        r = await new Promise<Res>((resolve, reject) => {
          const req = httpRequest(`${f.base}/events`, res => { resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: undefined }); req.destroy() })
          req.on('error', e => { if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e) })
          req.end()
        })
      } else if (d.method === 'POST') {
        const a = (await get(`/account/${toHex(KEYS[2].publicKey)}`)).json
        const body = d.path === '/tx'
          ? JSON.stringify({ tx: toHex(encodeTx(createTransfer(KEYS[2].secretKey, KEYS[2].publicKey, { chainId: f.genesis.chainId, to: KEYS[1].publicKey, amount: 1, fee: 2, nonce: a.nextNonce, timestamp: Math.floor(Date.now() / 1000) }))) })
          : d.path === '/admin/dht/block' ? JSON.stringify({ endpoints: [] }) : undefined
        r = await call(f.base, 'POST', path, body, d.admin === true ? { authorization: `Bearer ${f.node.adminToken}` } : {})
      } else {
        r = await get(path)
      }
      const documented = d.responses[r.status]
      expect(documented, `${d.method} ${path} answered ${r.status}: ${r.text.slice(0, 200)}`).to.not.equal(undefined)
      expect(r.headers['content-type'] ?? '', path).to.include(documented.contentType ?? 'application/json')
      if (documented.schema !== undefined) expect(validate(documented.schema, r.json), `${d.method} ${path} → ${r.status}`).to.equal(undefined)
      const cache = d.cache === 'immutable' ? 'public, max-age=31536000, immutable' : d.cache === 'no-store' ? 'no-store' : undefined
      if (cache !== undefined && r.status === 200) expect(r.headers['cache-control'], path).to.equal(cache)
    }
  })

  it('2,000 malformed requests get only 4xx answers', async function () {
    this.timeout(120_000)
    let seed = 12345
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
    const pick = <T>(xs: T[]): T => xs[rnd(xs.length)]
    const junk = (): string => pick(['', 'zz', 'ab'.repeat(31), 'AB'.repeat(33), 'g'.repeat(64), '%', '%zz', '%00', '-1', '1e9', '99999999999999999999', '0x10', ' 1', '..', '%2e%2e', 'ä', '%F0%9F', 'null', '[]', '1.5', 'NaN'])
    const paths = ['/block/', '/block-height/', '/tx/', '/account/', '/blocks?before=', '/blocks?limit=', '/account/' + 'ab'.repeat(32) + '/txs?before=',
      '/account/' + 'ab'.repeat(32) + '/txs?limit=', '/account/' + 'ab'.repeat(32) + '/txs?cursor=', '/pool/txs?limit=', '/pool/txs?sender=', '/peers?limit=', '/events?types=', '/block/' + 'ab'.repeat(32) + '?txs=', '/nope/', '/']
    const bodies = ['{', 'null', '[]', '"x"', '{"tx":1}', '{"tx":"' + 'ab'.repeat(1001) + '"}', '{"tx":"00"}', '{"tx":"' + 'ff'.repeat(100) + '"}', 'x'.repeat(70_000), '{"tx":"abc"}']
    const failures: string[] = []
    const one = async (): Promise<void> => {
      const kind = rnd(4)
      let method = 'GET'; let path: string; let body: string | undefined
      if (kind === 0) path = (pick(paths) + (junk() || 'x')).replace(/ /g, '%20')
      else if (kind === 1) { method = 'POST'; path = pick(['/tx', '/tx', '/mining/start', '/status']); body = pick(bodies) }
      else if (kind === 2) { method = pick(['PUT', 'DELETE', 'PATCH', 'POST', 'HEAD', 'OPTIONS']); path = pick(['/status', '/tx', '/block/x', '/metrics', '/events']) }
      else path = '/' + Array.from({ length: 1 + rnd(4) }, () => encodeURIComponent(junk()) + pick(['', '/', '?a=', '//'])).join('/')
      if (rnd(50) === 0) path = '/' + 'a'.repeat(3000)
      let r: Res
      try {
        r = await call(f.base, method, path, body)
      } catch (e) {
        // The server may close a connection after refusing an oversize body before reading it.
        if (body !== undefined && body.length > 65_536) return
        failures.push(`${method} ${path}: ${(e as Error).message}`)
        return
      }
      const ok = (r.status >= 400 && r.status < 500) || (method === 'HEAD' && r.status === 405)
      if (!ok && !(r.status === 200 && path === '/')) failures.push(`${method} ${path.slice(0, 80)} → ${r.status} ${r.text.slice(0, 100)}`)
      if (r.status >= 400 && method !== 'HEAD' && (typeof r.json?.code !== 'string' || typeof r.json?.message !== 'string')) failures.push(`${method} ${path}: no {code, message}`)
    }
    for (let i = 0; i < 2000; i += 20) await Promise.all(Array.from({ length: 20 }, one))
    expect(failures.slice(0, 10), `${failures.length} failures`).to.deep.equal([])
  })
})

describe('REST API: server-sent events', function () {
  this.timeout(60_000)
  let f: Fixture | undefined
  after(async () => { await stopApiNode(f) })

  it('streams a block event when the node mines', async () => {
    f = await startApiNode({ mine: true })
    const base = f.base
    const got = await new Promise<{ type: string, data: any }>((resolve, reject) => {
      const timer = setTimeout(() => { req.destroy(); reject(new Error('no block event within 30 s')) }, 30_000)
      const req = httpRequest(`${base}/events?types=block,vote`, res => {
        expect(res.headers['content-type']).to.match(/^text\/event-stream/)
        let buf = ''
        res.on('data', (c: Buffer) => {
          buf += c.toString('utf8')
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const frame = buf.slice(0, i); buf = buf.slice(i + 2)
            const type = /^event: (\w+)$/m.exec(frame)?.[1]
            const data = /^data: (.*)$/m.exec(frame)?.[1]
            if (type === 'block' && data !== undefined) { clearTimeout(timer); req.destroy(); resolve({ type, data: JSON.parse(data) }) }
          }
        })
      })
      req.on('error', e => { if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e) })
      req.end()
    })
    expect(got.data.height).to.be.at.least(1)
    expect(got.data.mined).to.equal(true)
    expect(got.data.id).to.match(/^[0-9a-f]{64}$/)
  })
})
