// Public API mode (--api-public) on a real node: one client (source address 127.0.0.2) floods the
// API while another (127.0.0.3) keeps being served; the flooder gets 429 with retry-after and a
// coded body, admin routes still want the token, and event streams are capped per client.
import { expect } from 'chai'
import { Agent, request } from 'node:http'
import { API_PUBLIC_BURST_REQUESTS, API_PUBLIC_MAX_STREAMS_PER_IP } from '../../node/constants.js'
import { type Fixture, startApiNode, stopApiNode } from '../helpers/apiNode.js'

interface Res { status: number, retryAfter?: string, code?: string, ms: number }

function get (base: string, path: string, agent: Agent, headers: Record<string, string> = {}, method = 'GET'): Promise<Res> {
  const u = new URL(base)
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, agent, headers }, res => {
      if (res.headers['content-type']?.startsWith('text/event-stream') === true) { resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }); return }
      let text = ''
      res.on('data', (c: Buffer) => { text += c.toString() })
      res.on('end', () => {
        let code: string | undefined
        try { code = (JSON.parse(text) as { code?: string }).code } catch {}
        const ra = res.headers['retry-after']
        resolve({ status: res.statusCode ?? 0, retryAfter: typeof ra === 'string' ? ra : undefined, code, ms: performance.now() - t0 })
      })
    })
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

describe('public API mode: per-client limits on a real node', function () {
  this.timeout(90_000)
  let f: Fixture | undefined
  const agents: Agent[] = []
  const agentFrom = (localAddress: string, maxSockets: number): Agent => {
    const a = new Agent({ keepAlive: true, maxSockets, localAddress })
    agents.push(a)
    return a
  }
  after(async () => { for (const a of agents) a.destroy(); await stopApiNode(f) })

  it('a flooding client gets 429 with retry-after while another client is still served', async () => {
    f = await startApiNode({ blocks: 3, apiPublic: true })
    const base = f.base
    const flooder = agentFrom('127.0.0.2', 32)
    const other = agentFrom('127.0.0.3', 1)
    const flood: Res[] = []
    let flooding = true
    const floodLoop = async (): Promise<void> => {
      for (let i = 0; i < 200 && flooding; i++) flood.push(await get(base, '/status', flooder))
    }
    const floods = Array.from({ length: 32 }, floodLoop)
    const served: Res[] = []
    for (let i = 0; i < 10; i++) {
      served.push(await get(base, '/blocks/tip', other))
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    flooding = false
    await Promise.all(floods)

    expect(served.map(r => r.status)).to.deep.equal(Array(10).fill(200))
    const limited = flood.filter(r => r.status === 429)
    const ok = flood.filter(r => r.status === 200)
    expect(limited.length, `flood answers: ${ok.length} ok, ${limited.length} limited`).to.be.greaterThan(flood.length / 2)
    expect(ok.length).to.be.at.least(API_PUBLIC_BURST_REQUESTS / 2)
    expect(flood.every(r => r.status === 200 || r.status === 429)).to.equal(true)
    for (const r of limited) {
      expect(r.code).to.be.oneOf(['RATE_LIMITED', 'TOO_MANY_CONCURRENT'])
      expect(Number(r.retryAfter)).to.be.at.least(1)
    }
    // The refusals are counted (this scrape comes from 127.0.0.1, a third client).
    const metrics = await (await fetch(`${base}/metrics`)).text()
    const refused = [...metrics.matchAll(/^tau_api_refused_requests_total\{reason="(rate|concurrency)"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[2]), 0)
    expect(refused).to.equal(limited.length)
  })

  it('admin routes still want the token; event streams are capped per client', async () => {
    const base = f!.base
    const a = agentFrom('127.0.0.4', 16)
    expect((await get(base, '/mining/stop', a, {}, 'POST')).status).to.equal(401)
    expect((await get(base, '/mining/stop', a, { authorization: `Bearer ${f!.node.adminToken}` }, 'POST')).status).to.equal(200)
    const streams: Res[] = []
    for (let i = 0; i < API_PUBLIC_MAX_STREAMS_PER_IP + 1; i++) streams.push(await get(base, '/events', a))
    expect(streams.slice(0, API_PUBLIC_MAX_STREAMS_PER_IP).map(r => r.status)).to.deep.equal(Array(API_PUBLIC_MAX_STREAMS_PER_IP).fill(200))
    expect(streams.at(-1)).to.include({ status: 429, code: 'TOO_MANY_STREAMS_PER_CLIENT' })
  })
})
