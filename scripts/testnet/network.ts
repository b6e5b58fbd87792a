// The testnet as a library: keys, genesis, ports and data dirs; node processes started through the CLI;
// status polling, health and convergence waits; kill, restart, join and partition. Tests and the CLI
// both drive this class, so what the tests assert is what users run.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { KeyPair } from '../../chain/crypto.js'
import { writeKeyFile } from '../../chain/crypto.js'
import { type Genesis, genesisToJson } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { PACKAGE_ROOT } from '../../node/packageRoot.js'
import { NodeApi } from './api.js'
import { NetnsLayout } from './netns.js'
import { nodeArgs, nodeEnv } from './nodeArgs.js'
import type { LinkSpec } from './args.js'
import {
  CONVERGE_POLL_INTERVAL_MS, KILL_WAIT_MS, LOAD_ACCOUNTS, LOG_RING_LINES, LOG_TAIL_LINES, LOOPBACK, STOP_GRACE_MS,
  convergeTimeoutMs, healthyTimeoutMs
} from './constants.js'
import { type Judgement, type NodeView, describeView, judgeConvergence } from './convergence.js'
import { loadKeys, testnetGenesis, testnetKey } from './keys.js'
import { NodeEvents, parseLogLine } from './logEvents.js'
import { type ExitInfo, NodeProcess } from './nodeProcess.js'
import { type NodePorts, choosePorts, portsOf, busyPorts } from './ports.js'
import { NodeResources } from './resources.js'
import { AbortedError, waitFor, sleep } from './wait.js'

/** The package's root (bin/tau-node.js, genesis.json), run from the sources or compiled under dist/. */
export const REPO_ROOT = PACKAGE_ROOT
// The nodes run what users run, the compiled dist/: a missing or stale build is an error saying to
// run `npm run build` (bin/compiled.mjs, loaded from the package root: this file also runs from dist/).
async function requireBuiltNode (): Promise<void> {
  const { requireBuilt } = await import(pathToFileURL(join(REPO_ROOT, 'bin', 'compiled.mjs')).href) as typeof import('../../bin/compiled.mjs')
  requireBuilt(REPO_ROOT)
}

export interface TestnetConfig {
  nodes: number
  blockTime: number
  mutableRange: number
  basePort?: number
  /** Parent directory of the run; created when missing (it must be empty if it exists). */
  dir?: string
  seed?: string
  /** Extra port slots checked and reserved for nodes that join later. */
  spareNodes?: number
  logLevel?: 'info' | 'debug'
  /** Aborts every wait (Ctrl-C). */
  signal?: AbortSignal
  /** The script each node process runs [default: bin/tau-node.js]; tests put a stand-in here. */
  nodeScript?: string
  /** Genesis time, unix seconds [default: now]; tests that prepare a chain in the past set it. */
  genesisTimestamp?: number
  /** More genesis accounts after the node and load accounts (tests: keys that hold power but run no node). */
  extraAccounts?: Array<{ pubkey: Uint8Array, balance: number, power: number }>
  /** More DHT bootstrap entries (host:port) for every node (tests: DHT nodes the test runs itself). */
  extraBootstrap?: string[]
  /** Emulated link on every node's outgoing DHT datagrams. */
  link?: LinkSpec
  /** Each node in its own network namespace; the last `nat` genesis nodes behind a NAT router each (netns.ts). */
  netns?: { nat: number }
}

export interface TestnetNode {
  index: number
  name: string
  key: KeyPair
  pubkey: string
  inGenesis: boolean
  mine: boolean
  dataDir: string
  keyFile: string
  logPath: string
  ports: NodePorts
  api: NodeApi
  proc?: NodeProcess
  /** How many times this node was started. */
  starts: number
  /** True from start until the tool itself stops or kills it: a wanted node that exits has crashed. */
  wanted: boolean
  events: NodeEvents
  resources: NodeResources
  /** The last lines of its output (bounded ring), for failure reports. */
  tail: string[]
  last?: NodeView
}

export interface Convergence { tipId: string, height: number, tookMs: number }

/** A funded genesis account the tool can send from: node accounts first (index = node index), then load accounts. */
export interface Account {
  index: number
  name: string
  key: KeyPair
  pubkey: string
  /** The node its transfers go through while that node runs (it keeps the sender's pending nonces together). */
  home: number
}

export class Testnet {
  readonly nodes: TestnetNode[] = []
  /** Every SIGKILL the tool sent: a node's pool lives in memory and dies with it. */
  readonly kills: Array<{ index: number, atMs: number }> = []
  /** Funded genesis accounts: one per genesis node (same index), then the load accounts. */
  readonly accounts: Account[] = []
  readonly startedAtMs = Date.now()
  private stopped = false
  private readonly ownsDir: boolean
  private readonly onExit = (): void => { this.killAllSync() }
  /** The namespaces of a --netns run (undefined on loopback). */
  layout?: NetnsLayout

  private constructor (
    readonly cfg: TestnetConfig,
    readonly dir: string,
    ownsDir: boolean,
    readonly genesis: Genesis,
    readonly genesisPath: string,
    readonly basePort: number,
    readonly capacity: number
  ) {
    this.ownsDir = ownsDir
    process.on('exit', this.onExit)
  }

  /** Keys, genesis (timestamp now), free ports and data dirs; no process is started yet. */
  static async create (cfg: TestnetConfig): Promise<Testnet> {
    if (cfg.nodeScript === undefined) await requireBuiltNode()
    const capacity = cfg.nodes + (cfg.spareNodes ?? 0)
    const basePort = await choosePorts(capacity, cfg.basePort)
    let dir: string
    let ownsDir: boolean
    if (cfg.dir === undefined) {
      dir = mkdtempSync(join(tmpdir(), 'tau-testnet-'))
      ownsDir = true
    } else {
      dir = resolve(cfg.dir)
      mkdirSync(dir, { recursive: true })
      if (readdirSync(dir).length > 0) throw new Error(`--dir ${dir} is not empty; give a new or empty directory`)
      ownsDir = true
    }
    for (const sub of ['keys', 'logs']) mkdirSync(join(dir, sub), { recursive: true })
    const keys = Array.from({ length: cfg.nodes }, (_, i) => testnetKey(i, cfg.seed))
    const load = loadKeys(LOAD_ACCOUNTS, cfg.seed)
    const genesis = testnetGenesis(keys, { blockTime: cfg.blockTime, mutableRange: cfg.mutableRange, loadKeys: load, timestamp: cfg.genesisTimestamp, extraAccounts: cfg.extraAccounts })
    const genesisPath = join(dir, 'genesis.json')
    writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config), null, 2) + '\n')
    const net = new Testnet(cfg, dir, ownsDir, genesis, genesisPath, basePort, capacity)
    if (cfg.netns !== undefined) {
      try {
        net.layout = NetnsLayout.create({ nodes: capacity, nat: cfg.netns.nat, natOf: cfg.nodes, apiPort: i => portsOf(basePort, i).api })
      } catch (e) {
        process.off('exit', net.onExit)
        if (ownsDir) rmSync(dir, { recursive: true, force: true })
        throw e
      }
    }
    keys.forEach((k, i) => net.addSlot(k, true, true))
    keys.forEach((key, i) => net.accounts.push({ index: i, name: `node-${i}`, key, pubkey: toHex(key.publicKey), home: i }))
    load.forEach((key, j) => net.accounts.push({ index: cfg.nodes + j, name: `load-${j}`, key, pubkey: toHex(key.publicKey), home: j % cfg.nodes }))
    return net
  }

  private addSlot (key: KeyPair, inGenesis: boolean, mine: boolean): TestnetNode {
    const index = this.nodes.length
    const name = `node-${index}`
    const ports = portsOf(this.basePort, index)
    const node: TestnetNode = {
      index, name, key, pubkey: toHex(key.publicKey), inGenesis, mine,
      dataDir: join(this.dir, name),
      keyFile: join(this.dir, 'keys', `${name}.json`),
      logPath: join(this.dir, 'logs', `${name}.log`),
      ports, api: new NodeApi(ports.api, this.layout?.host(index).apiHost), starts: 0, wanted: false,
      events: new NodeEvents(), resources: new NodeResources(), tail: []
    }
    writeKeyFile(node.keyFile, key)
    this.nodes.push(node)
    return node
  }

  get chainIdHex (): string { return toHex(this.genesis.chainId) }
  get signal (): AbortSignal | undefined { return this.cfg.signal }
  get running (): TestnetNode[] { return this.nodes.filter(n => n.proc?.running === true) }

  private onLine (n: TestnetNode, line: string): void {
    n.tail.push(line)
    if (n.tail.length > LOG_RING_LINES) n.tail.splice(0, n.tail.length - LOG_RING_LINES)
    const ev = parseLogLine(line, Date.now())
    if (ev !== undefined) n.events.add(ev)
  }

  startNode (index: number): TestnetNode {
    if (this.stopped) throw new Error('the testnet is stopped')
    const n = this.nodeAt(index)
    if (n.proc?.running === true) throw new Error(`${n.name} is already running (pid ${n.proc.pid})`)
    const proc = new NodeProcess({
      script: this.cfg.nodeScript ?? join(REPO_ROOT, 'bin', 'tau-node.js'), args: nodeArgs(this, n), cwd: REPO_ROOT, env: nodeEnv(), logPath: n.logPath,
      wrap: this.layout?.execPrefix(n.index)
    }, line => this.onLine(n, line))
    n.proc = proc
    n.starts++
    n.wanted = true
    n.resources.started(proc.pid)
    void proc.exited.then(() => { n.resources.exited() })
    return n
  }

  /** Starts every node that is not running yet. */
  start (): void {
    for (const n of this.nodes) if (n.proc === undefined) this.startNode(n.index)
  }

  nodeAt (index: number): TestnetNode {
    const n = this.nodes[index]
    if (n === undefined) throw new RangeError(`no node ${index}`)
    return n
  }

  /** One round of status requests to every node (in parallel); also samples CPU and memory. */
  async poll (): Promise<NodeView[]> {
    const views = await Promise.all(this.nodes.map(async (n): Promise<NodeView> => {
      if (n.proc?.running !== true) {
        const e = n.proc?.exitStatus
        return { name: n.name, up: false, error: e === undefined ? 'not started' : `exited code=${String(e.code)} signal=${String(e.signal)}` }
      }
      n.resources.sample()
      try {
        return { name: n.name, up: true, status: await n.api.status() }
      } catch (e) {
        return { name: n.name, up: true, error: (e as Error).message }
      }
    }))
    views.forEach((v, i) => { this.nodes[i].last = v })
    return views
  }

  /** Every node's state and its last log lines: what a failure prints. */
  async describe (fresh = true): Promise<string> {
    const views = fresh ? await this.poll() : this.nodes.map(n => n.last ?? { name: n.name, up: n.proc?.running === true })
    const parts = views.map((v, i) => {
      const n = this.nodes[i]
      const tail = n.tail.slice(-LOG_TAIL_LINES).map(l => `    | ${l}`).join('\n')
      return `  ${describeView(v)}${n.proc !== undefined ? ` [pid ${n.proc.pid}, starts ${n.starts}, log ${n.logPath}]` : ''}\n${tail}`
    })
    return `every node's state and last ${LOG_TAIL_LINES} log lines:\n${parts.join('\n')}`
  }

  /** Waits until every started node (or the given ones) answers /health with 200. */
  async waitHealthy (o: { timeoutMs?: number, indices?: number[] } = {}): Promise<void> {
    const targets = o.indices ?? this.nodes.filter(n => n.proc !== undefined).map(n => n.index)
    await waitFor(async () => {
      const codes = await Promise.all(targets.map(async i => {
        const n = this.nodes[i]
        if (n.proc?.running !== true) {
          const e = n.proc?.exitStatus
          throw new Error(`${n.name} exited (code ${String(e?.code)}, signal ${String(e?.signal)}) before it became healthy\n${await this.describe(false)}`)
        }
        try { return await n.api.health() } catch { return 0 }
      }))
      return codes.every(c => c === 200) ? true : undefined
    }, { timeoutMs: o.timeoutMs ?? healthyTimeoutMs(this.cfg.blockTime), intervalMs: CONVERGE_POLL_INTERVAL_MS, what: 'every node to answer /health with 200', signal: this.signal, describe: async () => await this.describe() })
  }

  /** Nodes that should be running but exited on their own. */
  crashed (): TestnetNode[] {
    return this.nodes.filter(n => n.wanted && n.proc !== undefined && !n.proc.running)
  }

  private throwIfCrashed (): void {
    const c = this.crashed()
    if (c.length === 0) return
    const why = c.map(n => `${n.name} (exit code ${String(n.proc?.exitStatus?.code)}, signal ${String(n.proc?.exitStatus?.signal)})`)
    throw new Error(`node exited unexpectedly: ${why.join(', ')}`)
  }

  /**
   * Waits until every node the tool wants up (or the given ones) reports the same tip hash, at least at
   * `minHeight`. A wanted node that exits on its own fails the wait at once.
   */
  async waitConverged (o: { timeoutMs?: number, minHeight?: number, indices?: number[], what?: string } = {}): Promise<Convergence> {
    const t0 = Date.now()
    let last: Judgement | undefined
    const j = await waitFor(async () => {
      const views = await this.poll()
      try {
        this.throwIfCrashed()
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${await this.describe(false)}`)
      }
      const targets = o.indices ?? this.nodes.filter(n => n.wanted).map(n => n.index)
      last = judgeConvergence(targets.map(i => views[i]), o.minHeight ?? 0)
      return last.converged ? last : undefined
    }, {
      timeoutMs: o.timeoutMs ?? convergeTimeoutMs(this.cfg.blockTime),
      intervalMs: CONVERGE_POLL_INTERVAL_MS,
      what: o.what ?? `the nodes to agree on one tip hash${o.minHeight !== undefined ? ` at height ≥ ${o.minHeight}` : ''}`,
      signal: this.signal,
      describe: async () => `last judgement: ${last?.reason ?? 'none'}\n${await this.describe(false)}`
    })
    return { tipId: j.tipId as string, height: j.height as number, tookMs: Date.now() - t0 }
  }

  /** Each node's NAT group (null: none, or not a --netns run), for the live table. */
  natGroups (): Array<number | null> {
    return this.nodes.map(n => this.layout?.host(n.index).natGroup ?? null)
  }

  /** The highest height any running node reports in its last answer. */
  maxHeight (): number {
    return Math.max(0, ...this.nodes.map(n => n.last?.status?.height ?? 0))
  }

  /** SIGKILL: no clean stop; the data dir keeps whatever the node had written. */
  async killNode (index: number): Promise<ExitInfo | undefined> {
    const n = this.nodeAt(index)
    if (n.proc === undefined) return undefined
    n.wanted = false
    this.kills.push({ index, atMs: Date.now() })
    return await n.proc.kill(KILL_WAIT_MS)
  }

  /** SIGTERM, SIGKILL after the grace period. */
  async stopNode (index: number, graceMs = STOP_GRACE_MS): Promise<ExitInfo & { forced: boolean }> {
    const n = this.nodeAt(index)
    if (n.proc === undefined) return { code: null, signal: null, forced: false }
    n.wanted = false
    return await n.proc.stop(graceMs, KILL_WAIT_MS)
  }

  /** A new node with a fresh key that is not in the genesis (no power), bootstrapped to the genesis nodes. */
  async addNode (o: { mine: boolean }): Promise<TestnetNode> {
    const index = this.nodes.length
    if (index >= this.capacity) {
      const busy = await busyPorts(this.basePort + 2 * index, 1)
      if (busy.length > 0) throw new Error(`cannot add ${`node-${index}`}: ports in use: ${busy.join(', ')}`)
    }
    const n = this.addSlot(testnetKey(index, this.cfg.seed), false, o.mine)
    return this.startNode(n.index)
  }

  adminToken (index: number): string {
    const n = this.nodeAt(index)
    try {
      return readFileSync(join(n.dataDir, 'admin-token'), 'utf8').trim()
    } catch (e) {
      throw new Error(`${n.name}: no admin token at ${join(n.dataDir, 'admin-token')} (${(e as Error).message})`)
    }
  }

  /** Each group's DHTs drop all UDP traffic to and from every other group's DHT endpoints. */
  async partition (groups: number[][]): Promise<void> {
    if (this.layout !== undefined) { this.layout.partition(groups); return } // nftables drop rules
    await Promise.all(groups.flatMap((g, gi) => {
      const others = groups.filter((_, j) => j !== gi).flat().map(i => `${LOOPBACK}:${this.nodeAt(i).ports.dht}`)
      return g.map(async i => await this.nodeAt(i).api.blockEndpoints(this.adminToken(i), others))
    }))
  }

  /** Clears every running node's block list. */
  async heal (): Promise<void> {
    if (this.layout !== undefined) { this.layout.heal(); return }
    await Promise.all(this.running.map(async n => await n.api.blockEndpoints(this.adminToken(n.index), [])))
  }

  async sleep (ms: number): Promise<void> {
    await sleep(ms, this.signal)
  }

  throwIfAborted (): void {
    if (this.signal?.aborted === true) throw new AbortedError()
  }

  /** Stops every node (SIGTERM, then SIGKILL after the grace period), in parallel. Idempotent. */
  async stop (graceMs = STOP_GRACE_MS): Promise<Array<{ name: string, code: number | null, signal: NodeJS.Signals | null, forced: boolean }>> {
    this.stopped = true
    for (const n of this.nodes) n.wanted = false
    const out = await Promise.all(this.nodes.map(async n => {
      if (n.proc === undefined) return { name: n.name, code: null, signal: null, forced: false }
      const r = n.proc.running ? await n.proc.stop(graceMs, KILL_WAIT_MS) : { ...(n.proc.exitStatus ?? { code: null, signal: null }), forced: false }
      await n.proc.closeLog()
      return { name: n.name, ...r }
    }))
    this.layout?.destroy()
    process.off('exit', this.onExit)
    return out
  }

  /** Last resort on process exit: SIGKILL every node still running (synchronous, by pid). */
  killAllSync (): void {
    for (const n of this.nodes) n.proc?.signal('SIGKILL')
    this.layout?.destroy()
  }

  /** Removes the run directory (only ever the one this run created). */
  removeDir (): void {
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true })
  }
}

