// GET /metrics on a real node: `promtool check metrics` (Debian's prometheus package; .ci/run
// installs it) must find no problem; where promtool is missing the parser-level check stands in
// (and says so). The parser check always runs too, with the series an explorer relies on.
import { expect } from 'chai'
import { spawn, spawnSync } from 'node:child_process'
import { type Fixture, startApiNode, stopApiNode } from '../helpers/apiNode.js'
import { lintExposition, parseExposition } from '../helpers/promText.js'

function promtool (text: string): Promise<{ code: number | null, out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    p.stdout.on('data', (c: Buffer) => { out += c.toString() })
    p.stderr.on('data', (c: Buffer) => { out += c.toString() })
    const timer = setTimeout(() => { p.kill('SIGKILL') }, 30_000)
    p.on('error', reject)
    p.on('close', code => { clearTimeout(timer); resolve({ code, out }) })
    p.stdin.end(text)
  })
}

const hasPromtool = spawnSync('promtool', ['--version'], { timeout: 10_000 }).status === 0

describe('GET /metrics (prom-client) on a real node', function () {
  this.timeout(60_000)
  let f: Fixture | undefined
  after(async () => { await stopApiNode(f) })

  it('passes promtool (or the parser check) with counters, gauges, histograms and process metrics', async () => {
    f = await startApiNode({ blocks: 5 })
    for (const p of ['/status', '/blocks/tip', '/nope', '/block-height/2']) await (await fetch(f.base + p)).text()
    const res = await fetch(`${f.base}/metrics`)
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    if (hasPromtool) {
      const r = await promtool(text)
      expect(r.out.trim(), 'promtool check metrics').to.equal('')
      expect(r.code).to.equal(0)
    } else {
      console.log('      promtool not installed: parser-level check only')
    }
    expect(lintExposition(text, 'tau_')).to.deep.equal([])
    const fams = parseExposition(text)
    const type = (n: string): string | undefined => fams.get(n)?.type
    expect(type('tau_chain_height')).to.equal('gauge')
    expect(fams.get('tau_chain_height')?.samples[0].value).to.equal(5)
    expect(type('tau_dht_pushes_total')).to.equal('counter')
    expect(type('tau_dht_gets_total')).to.equal('counter')
    expect(type('tau_dht_latency_seconds')).to.equal('histogram')
    expect(type('tau_process_cpu_seconds_total')).to.equal('counter')
    expect(type('tau_process_resident_memory_bytes')).to.equal('gauge')
    expect([...fams.keys()].filter(n => n.includes('gauge'))).to.deep.equal([])
    // No consensus point yet (genesis): the series is absent, not 0.
    expect(f.node.ctx.chain.consensusPoint().n).to.equal(0)
    expect(fams.has('tau_chain_consensus_point_height')).to.equal(false)
    // The request histogram has buckets by route pattern, never by raw path.
    const req = fams.get('tau_api_request_duration_seconds')!
    expect(req.type).to.equal('histogram')
    const inf = req.samples.filter(s => s.name.endsWith('_bucket') && s.labels.le === '+Inf')
    expect(inf.find(s => s.labels.route === '/block-height/:n' && s.labels.status === '200')?.value).to.equal(1)
    expect(inf.find(s => s.labels.route === 'unmatched' && s.labels.status === '404')?.value).to.equal(1)
  })
})
