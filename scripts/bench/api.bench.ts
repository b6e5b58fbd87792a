// REST API throughput: /status and /block/:id on a node running as a child process, beside a bare
// node:http child answering a fixed JSON body, both loaded in the same run by the same client
// (50 concurrent keep-alive connections). Rows: requests per second (median of 3 runs) with the
// bare server's figure as the bound (goal ≥ 0.6), and p99 latency.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BenchRow, median } from './harness.js'
import { type Child, type LoadResult, load, prepareNodeDir, spawnBare, spawnNode, stopChild } from './apiLoad.js'

const CONNS = 50
const RUN_MS = 2_000
const RUNS = 3

async function measure (base: string, path: string): Promise<LoadResult[]> {
  await load(base, path, CONNS, 300) // warm-up
  const out: LoadResult[] = []
  for (let i = 0; i < RUNS; i++) out.push(await load(base, path, CONNS, RUN_MS))
  return out
}

export async function run (): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tau-api-bench-'))
  let node: Child | undefined
  let bare: Child | undefined
  try {
    const { dataDir, genesisPath, blockId } = await prepareNodeDir(dir, 30)
    node = await spawnNode(dataDir, genesisPath)
    bare = await spawnBare()
    const bareR = await measure(bare.base, '/')
    const statusR = await measure(node.base, '/status')
    const blockR = await measure(node.base, `/block/${blockId}?txs=1`)
    const bareRps = median(bareR.map(r => r.rps))
    const rows = (name: string, rs: LoadResult[], withBound: boolean): BenchRow[] => {
      const errors = rs.reduce((s, r) => s + r.errors, 0)
      const note = `${CONNS} keep-alive conns, ${RUNS}×${RUN_MS} ms${errors > 0 ? `, ${errors} errors` : ''}`
      return [
        { name: `${name}.rps`, value: median(rs.map(r => r.rps)), unit: 'req/s', samples: rs.map(r => r.rps), note, ...(withBound ? { bound: bareRps, boundLabel: 'bare node:http (goal ≥ 0.6)' } : {}) },
        { name: `${name}.p99`, value: median(rs.map(r => r.p99Ms)), unit: 'ms', samples: rs.map(r => r.p99Ms) }
      ]
    }
    return [...rows('api.bare', bareR, false), ...rows('api.status', statusR, true), ...rows('api.block', blockR, true)]
  } finally {
    await stopChild(node)
    await stopChild(bare)
    rmSync(dir, { recursive: true, force: true })
  }
}
