// The side-by-side bench's plumbing, without libtorrent: the driver's JSON is parsed or refused
// with a coded error, and the rows put libtorrent's figure in the bound (ratio = ours / theirs).
// None of it needs libtorrent installed.
import { expect } from 'chai'
import { AnchorError, libtorrentInstalled, parseAnchor } from '../../../../scripts/bench/libtorrent/driver.js'
import { OPS, type PhaseResult, type SideResult } from '../../../../scripts/bench/libtorrent/ops.js'
import { payloadOf } from '../../../../scripts/bench/libtorrent/ours.js'
import { buildRows } from '../../../../scripts/bench/libtorrent/rows.js'

const phase = (lat: number[], cpuMs: number, failed = 0): PhaseResult => ({ latMs: lat, cpuMs, ops: lat.length + failed, failed })
const side = (scale: number): SideResult => {
  const s = {} as SideResult
  for (const op of OPS) s[op] = { ...phase([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(x => x * scale), 20 * scale), datagramsOut: 100 * scale }
  return s
}
const anchorJson = (over: Record<string, unknown> = {}): string => JSON.stringify({ ok: true, version: '2.0.8.0', nodes: 16, items: 10, payload: 256, phases: side(1), ...over })

function code (fn: () => unknown): string | undefined {
  try { fn() } catch (e) { return e instanceof AnchorError ? e.code : `other: ${(e as Error).message}` }
  return undefined
}

describe('bench: libtorrent side by side (rows and driver JSON)', () => {
  it('parses a well-formed driver result, every op present', () => {
    const run = parseAnchor(anchorJson())
    expect(run.version).to.equal('2.0.8.0')
    expect(Object.keys(run.phases).sort()).to.deep.equal([...OPS].sort())
    expect(run.phases.mutablePut.latMs).to.have.length(10)
  })

  it('refuses bad driver output with a coded error, never a crash', () => {
    expect(code(() => parseAnchor('Traceback (most recent call last)'))).to.equal('ANCHOR_NOT_JSON')
    expect(code(() => parseAnchor('[1,2]'))).to.equal('ANCHOR_BAD_SHAPE')
    expect(code(() => parseAnchor(JSON.stringify({ ok: false, error: 'import: No module named libtorrent' })))).to.equal('ANCHOR_FAILED')
    const phases = side(1) as unknown as Record<string, unknown>
    delete phases.immutableGet
    expect(code(() => parseAnchor(anchorJson({ phases })))).to.equal('ANCHOR_BAD_SHAPE')
    const bad = side(1)
    bad.mutablePut = { ...bad.mutablePut, ops: 99 } // 10 latencies + 0 failed != 99 ops
    expect(code(() => parseAnchor(anchorJson({ phases: bad })))).to.equal('ANCHOR_BAD_SHAPE')
    const neg = side(1)
    neg.immutablePut = { ...neg.immutablePut, latMs: [-1, ...neg.immutablePut.latMs.slice(1)] }
    expect(code(() => parseAnchor(anchorJson({ phases: neg })))).to.equal('ANCHOR_BAD_SHAPE')
  })

  it('builds p50, p95 and CPU-per-op rows with libtorrent as the bound', () => {
    const rows = buildRows([side(3)], [side(1)])
    expect(rows).to.have.length(OPS.length * 4)
    const p50 = rows.find(r => r.name === 'dht.lt.mutablePut.p50')!
    expect(p50.value).to.equal(15) // percentile 50 of 3..30 (nearest rank)
    expect(p50.bound).to.equal(5)
    expect(p50.note).to.contain('NOT met') // ratio 3 > 2
    const cpu = rows.find(r => r.name === 'dht.lt.immutableGet.cpuPerOp')!
    expect(cpu.value).to.equal(6) // 60 ms over 10 ops
    expect(cpu.bound).to.equal(2)
    expect(cpu.note).to.contain('met').and.not.contain('NOT met') // ratio 3 <= 3
    expect(rows.find(r => r.name === 'dht.lt.immutableGet.p95')!.bound).to.equal(10)
    const grams = rows.find(r => r.name === 'dht.lt.mutableGetFirst.datagramsPerOp')!
    expect([grams.value, grams.bound, grams.unit]).to.deep.equal([30, 10, 'datagrams'])
  })

  it('takes the median over rounds on each side (value and bound alike)', () => {
    const rows = buildRows([side(1), side(5), side(2)], [side(1), side(1), side(9)])
    const r = rows.find(x => x.name === 'dht.lt.immutablePut.p50')!
    expect(r.samples).to.deep.equal([5, 25, 10])
    expect(r.value).to.equal(10)
    expect(r.bound).to.equal(5)
    expect(r.note).to.contain('median of 3 round(s), 30 ops')
  })

  it('a driver that does not count datagrams leaves that row without a bound', () => {
    const theirs = side(1)
    for (const op of OPS) delete theirs[op].datagramsOut
    const r = buildRows([side(2)], [theirs]).find(x => x.name === 'dht.lt.immutablePut.datagramsPerOp')!
    expect(r.value).to.equal(20)
    expect(r.bound).to.equal(undefined)
    expect(code(() => parseAnchor(anchorJson({ phases: theirs })))).to.equal(undefined)
  })

  it('without libtorrent the rows carry our figures, no bound, and say it was skipped', () => {
    const rows = buildRows([side(2)], undefined)
    expect(rows).to.have.length(OPS.length * 4)
    for (const r of rows) {
      expect(r.bound).to.equal(undefined)
      expect(r.note).to.contain('libtorrent not installed: skipped')
      expect(Number.isFinite(r.value)).to.equal(true)
    }
  })

  it('counts failures on either side in the p50 note, and CPU per op divides by every attempt', () => {
    const ours = side(1)
    ours.immutableGet = phase([1, 2, 3], 50, 2)
    const rows = buildRows([ours], [side(1)])
    expect(rows.find(r => r.name === 'dht.lt.immutableGet.p50')!.note).to.contain('failed: ours 2, libtorrent 0')
    expect(rows.find(r => r.name === 'dht.lt.immutableGet.cpuPerOp')!.value).to.equal(10)
  })

  it('builds payloads whose canonical encoding is exactly the asked size', () => {
    for (const n of [16, 99, 100, 256, 1000]) expect(payloadOf(n)).to.have.length(n)
    expect(Buffer.from(payloadOf(256)).equals(Buffer.from(payloadOf(256)))).to.equal(false) // random content
  })

  it('the install probe answers false for an interpreter that cannot import libtorrent (the bench then skips)', () => {
    expect(libtorrentInstalled('/nonexistent/python3')).to.equal(false)
    expect(libtorrentInstalled('/bin/false')).to.equal(false)
  })
})
