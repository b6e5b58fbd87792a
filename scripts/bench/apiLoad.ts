// Helpers for api.bench.ts: a data dir with a small real chain, the node and a bare node:http
// server as child processes, and a bounded keep-alive load loop (no external load tool).
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { Chain } from '../../chain/chain.js'
import { keyPairFromSeed, sha256 } from '../../chain/crypto.js'
import { MAX_TXS_PER_BLOCK } from '../../chain/constants.js'
import { devKey } from '../../chain/devkeys.js'
import { buildGenesis, genesisToJson } from '../../chain/genesis.js'
import { ChainBuilder } from '../../test/helpers/chainBuilder.js'

export interface Child { proc: ChildProcess, base: string }

/**
 * A data dir holding `blocks` blocks of 3 transfers each, then (with `accountTxs`) blocks of 16
 * transfers to one receiver until it has that many; returns the paths, a block id and that account.
 */
export async function prepareNodeDir (dir: string, blocks: number, accountTxs = 0): Promise<{ dataDir: string, genesisPath: string, blockId: string, account: string }> {
  const keys = [devKey(0), keyPairFromSeed('api-bench-1'), keyPairFromSeed('api-bench-2')]
  const genesis = buildGenesis({
    name: 'apibench', timestamp: Math.floor(Date.now() / 1000) - 86_400, blockTime: 10, mutableRange: 3, minFee: 1, blockReward: 10,
    accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000_000, power: i === 0 ? 1e12 : 0 }))
  })
  const genesisPath = join(dir, 'genesis.json')
  writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config)))
  const b = new ChainBuilder({ genesis, keys })
  const built = b.extend(b.root, blocks, { txs: 3 })
  const account = sha256(new TextEncoder().encode('api-bench-account'))
  for (let left = accountTxs; left > 0; left -= MAX_TXS_PER_BLOCK) {
    const parent = built[built.length - 1]
    built.push(b.child(parent, { txs: b.transfers(parent, Math.min(left, MAX_TXS_PER_BLOCK), { to: account }) }))
  }
  const dataDir = join(dir, 'node')
  const chain = await Chain.open(join(dataDir, 'chain'), genesis)
  await chain.importBranch(built.map(x => x.block), b.txMap(built))
  await chain.close()
  return { dataDir, genesisPath, blockId: Buffer.from(built[Math.floor(blocks / 2)].id).toString('hex'), account: Buffer.from(account).toString('hex') }
}

/** Spawns `cmd args` and resolves with the URL it prints (matched by `re`), within 20 s. */
function spawnWithUrl (cmd: string, args: string[], re: RegExp): Promise<Child> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`no URL from ${cmd} within 20 s:\n${out}`)) }, 20_000)
    const onData = (c: Buffer): void => {
      out += c.toString('utf8')
      const m = re.exec(out)
      if (m !== null) { clearTimeout(timer); proc.stdout?.off('data', onData); proc.stdout?.resume(); resolve({ proc, base: m[1] }) }
    }
    proc.stdout?.on('data', onData)
    proc.stderr?.on('data', (c: Buffer) => { out += c.toString('utf8') })
    proc.once('exit', code => { clearTimeout(timer); reject(new Error(`${cmd} exited (${String(code)}):\n${out}`)) })
  })
}

export function spawnNode (dataDir: string, genesisPath: string): Promise<Child> {
  return spawnWithUrl(process.execPath, [join(process.cwd(), 'bin', 'tau-node.js'), 'start', '--data-dir', dataDir, '--genesis', genesisPath, '--dev-key', '0',
    '--dht-port', '0', '--api-port', '0', '--no-mine', '--log-format', 'json', '--log-level', 'info'], /"url":"(http:\/\/[^"]+)"/)
}

const BARE = `
const body = JSON.stringify({ height: 100, tipId: '${'ab'.repeat(32)}', syncing: false, ready: true, peers: 3, poolSize: 0, version: '0.1.0' })
const s = require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
  res.end(body)
})
s.keepAliveTimeout = 5000
s.listen(0, '127.0.0.1', () => console.log('url http://127.0.0.1:' + s.address().port))
`

export function spawnBare (): Promise<Child> {
  return spawnWithUrl(process.execPath, ['-e', BARE], /url (http:\/\/\S+)/)
}

export async function stopChild (c: Child | undefined): Promise<void> {
  if (c === undefined || c.proc.exitCode !== null) return
  const done = new Promise(resolve => c.proc.once('exit', resolve))
  c.proc.kill('SIGTERM')
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 5_000)
  await done
  clearTimeout(t)
}

export interface LoadResult { rps: number, p99Ms: number, errors: number, count: number }

/** `conns` workers, each sending GET `path` back to back over keep-alive sockets for `ms`. */
export async function load (base: string, path: string, conns: number, ms: number): Promise<LoadResult> {
  const u = new URL(base)
  const agent = new Agent({ keepAlive: true, maxSockets: conns })
  const lat: number[] = []
  let errors = 0
  const one = (): Promise<void> => new Promise(resolve => {
    const t0 = performance.now()
    const req = request({ host: u.hostname, port: u.port, path, agent }, res => {
      res.on('data', () => {})
      res.on('end', () => { if (res.statusCode === 200) lat.push(performance.now() - t0); else errors++; resolve() })
    })
    req.on('error', () => { errors++; resolve() })
    req.end()
  })
  const start = performance.now()
  const end = start + ms
  await Promise.all(Array.from({ length: conns }, async () => { while (performance.now() < end) await one() }))
  const took = (performance.now() - start) / 1000
  agent.destroy()
  const sorted = lat.sort((a, b) => a - b)
  return { rps: lat.length / took, p99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? NaN, errors, count: lat.length }
}
