// REST API throughput: /status and /block/:id on a node running as a child process, beside a bare
// node:http child answering a fixed JSON body, both loaded in the same run by the same client
// (50 concurrent keep-alive connections). Rows: requests per second (median of 3 runs) with the
// bare server's figure as the bound (goal ≥ 0.6), and p99 latency. Then /account/:key/txs on an
// account with ACCOUNT_TXS transactions: its first and its last page (the account index makes
// both one range read; goal: last-page p99 within 2× of the first page's).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BenchRow, median } from './harness.js'
import { type Child, type LoadResult, load, prepareNodeDir, spawnBare, spawnNode, stopChild } from './apiLoad.js'

const CONNS = 50
const RUN_MS = 2_000
const RUNS = 3
/** Transactions of the account whose history is paged. */
const ACCOUNT_TXS = 5_000

/** The cursor of the account's last page, found by walking every page once. */
async function lastPageCursor (base: string, account: string): Promise<{ cursor: string, pages: number }> {
  let cursor: string | null = null
  let prev = ''
  let pages = 0
  for (; pages < 10_000; pages++) {
    const r = await fetch(`${base}/account/${account}/txs${cursor !== null ? `?cursor=${cursor}` : ''}`)
    const page = await r.json() as { next: string | null }
    if (page.next === null) return { cursor: prev, pages: pages + 1 }
    prev = page.next
    cursor = page.next
  }
  throw new Error('account pages did not end')
}

/**
 * Each target warmed up, then RUNS rounds that take every target in turn: a change in machine load
 * (the 2 cores are shared) then hits the node's routes and the bare bound alike.
 */
async function measureInTurn (targets: Array<{ base: string, path: string }>): Promise<LoadResult[][]> {
  for (const t of targets) await load(t.base, t.path, CONNS, 300)
  const out: LoadResult[][] = targets.map(() => [])
  for (let i = 0; i < RUNS; i++) {
    for (const [k, t] of targets.entries()) out[k].push(await load(t.base, t.path, CONNS, RUN_MS))
  }
  return out
}

export async function run (): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tau-api-bench-'))
  let node: Child | undefined
  let bare: Child | undefined
  try {
    const { dataDir, genesisPath, blockId, account } = await prepareNodeDir(dir, 30, ACCOUNT_TXS)
    node = await spawnNode(dataDir, genesisPath)
    bare = await spawnBare()
    const [bareR, statusR, blockR] = await measureInTurn([
      { base: bare.base, path: '/' }, { base: node.base, path: '/status' }, { base: node.base, path: `/block/${blockId}?txs=1` }
    ])
    const { cursor, pages } = await lastPageCursor(node.base, account)
    // First and last page alternate run by run, so a change in machine load hits both alike.
    const [firstR, lastR] = await measureInTurn([
      { base: node.base, path: `/account/${account}/txs` }, { base: node.base, path: `/account/${account}/txs?cursor=${cursor}` }
    ])
    const bareRps = median(bareR.map(r => r.rps))
    const rows = (name: string, rs: LoadResult[], withBound: boolean): BenchRow[] => {
      const errors = rs.reduce((s, r) => s + r.errors, 0)
      const note = `${CONNS} keep-alive conns, ${RUNS}×${RUN_MS} ms${errors > 0 ? `, ${errors} errors` : ''}`
      return [
        { name: `${name}.rps`, value: median(rs.map(r => r.rps)), unit: 'req/s', samples: rs.map(r => r.rps), note, ...(withBound ? { bound: bareRps, boundLabel: 'bare node:http (goal ≥ 0.6)' } : {}) },
        { name: `${name}.p99`, value: median(rs.map(r => r.p99Ms)), unit: 'ms', samples: rs.map(r => r.p99Ms) }
      ]
    }
    const firstP99 = median(firstR.map(r => r.p99Ms))
    const lastP99 = median(lastR.map(r => r.p99Ms))
    return [
      ...rows('api.bare', bareR, false), ...rows('api.status', statusR, true), ...rows('api.block', blockR, true),
      ...rows('api.accountTxs.first', firstR, false), ...rows('api.accountTxs.last', lastR, false),
      { name: 'api.accountTxs.lastVsFirstP99', value: lastP99 / firstP99, unit: '×', note: `${ACCOUNT_TXS} txs, ${pages} pages of 25 (goal ≤ 2)` }
    ]
  } finally {
    await stopChild(node)
    await stopChild(bare)
    rmSync(dir, { recursive: true, force: true })
  }
}
