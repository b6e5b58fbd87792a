// Our side of the libtorrent bench as a swarm of engines the bench drives by index, in one of
// two topologies: every engine in the bench's own process (one JS thread for the whole swarm,
// the round-4 first-pass layout, kept for comparison), or the engines spread over child
// processes (each real TAU node is its own process) driven over IPC. Either way an operation is
// timed where it is issued and CPU is summed over every process that runs engines.
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Endpoint } from '../../../dht/endpoint.js'
import { Putter } from '../../../dht/put.js'
import { TestNet } from '../../../dht/testnet.js'
import * as C from './constants.js'
import { type OpRequest, type OpResult, runOp, type SwarmCounters } from './engineOps.js'
import type { FromWorker, ToWorker } from './swarmWorker.js'

export interface Swarm {
  readonly nodes: number
  /** A one-line description for the bench notes. */
  readonly topology: string
  op: (req: OpRequest) => Promise<OpResult>
  counters: () => Promise<SwarmCounters>
  stop: () => Promise<void>
}

/** Every engine in this process (processes = 1). */
export class LocalSwarm implements Swarm {
  readonly topology: string
  private readonly putters: Putter[]
  private constructor (private readonly net: TestNet) {
    this.putters = net.engines.map(e => new Putter(e))
    this.topology = `1 process x ${net.engines.length} engines`
  }

  get nodes (): number { return this.net.engines.length }

  static async start (nodes: number, keySeed: string): Promise<LocalSwarm> {
    return new LocalSwarm(await TestNet.start(nodes, { keySeed }))
  }

  async op (req: OpRequest): Promise<OpResult> {
    return await runOp(this.net.engines[req.node], this.putters[req.node], req)
  }

  async counters (): Promise<SwarmCounters> {
    const c = process.cpuUsage()
    const e = this.net.engines
    return { cpuMs: (c.user + c.system) / 1000, packetsOut: e.reduce((a, x) => a + x.stats.traffic.packetsOut, 0), verifies: e.reduce((a, x) => a + x.stats.verifies, 0) }
  }

  async stop (): Promise<void> { await this.net.stop() }
}

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'swarmWorker.ts')

/** One child process running `count` engines, with request/answer bookkeeping over IPC. */
class Worker {
  private readonly child: ChildProcess
  private nextId = 0
  private readonly waiting = new Map<number, (m: FromWorker) => void>()
  private onReady?: (m: FromWorker) => void
  private exited = false

  constructor (readonly first: number, readonly count: number) {
    // tsx loads the TypeScript worker, as it loads the bench itself; 'advanced' carries Uint8Arrays.
    // DHT_LT_CPU_PROF=<dir>: each engine process writes a V8 CPU profile there when it exits.
    const profDir = process.env[C.CPU_PROF_ENV]
    const prof = profDir === undefined || profDir === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir]
    this.child = fork(WORKER, [], { execArgv: ['--import', 'tsx', ...prof], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.child.on('message', (m: FromWorker) => {
      if (m.t === 'ready' || m.t === 'failed') this.onReady?.(m)
      else this.waiting.get(m.id)?.(m)
    })
    this.child.on('exit', () => {
      this.exited = true
      this.onReady?.({ t: 'failed', message: 'engine process exited' })
      for (const [id, w] of this.waiting) w({ t: 'result', id, res: { ok: false, latMs: 0 } })
    })
  }

  private post (m: ToWorker): void {
    if (!this.exited) this.child.send(m)
  }

  async init (bootstrap: Endpoint[], keySeed: string): Promise<Endpoint[]> {
    const m = await this.wait(C.SWARM_START_TIMEOUT_MS, 'start', resolve => {
      this.onReady = resolve
      this.post({ t: 'init', first: this.first, count: this.count, bootstrap, keySeed })
    })
    if (m.t !== 'ready') throw new Error(`engine process ${this.child.pid ?? '?'}: ${m.t === 'failed' ? m.message : 'bad answer'}`)
    return m.endpoints
  }

  async op (local: number, req: OpRequest): Promise<OpResult> {
    const id = this.nextId++
    try {
      const m = await this.wait(C.SWARM_OP_TIMEOUT_MS, 'op', resolve => {
        this.waiting.set(id, resolve)
        this.post({ t: 'op', id, local, req })
      })
      return m.t === 'result' ? m.res : { ok: false, latMs: 0 }
    } catch {
      return { ok: false, latMs: C.SWARM_OP_TIMEOUT_MS }
    } finally {
      this.waiting.delete(id)
    }
  }

  async counters (): Promise<SwarmCounters> {
    const id = this.nextId++
    try {
      const m = await this.wait(C.SWARM_OP_TIMEOUT_MS, 'counters', resolve => {
        this.waiting.set(id, resolve)
        this.post({ t: 'counters', id })
      })
      if (m.t !== 'counters') throw new Error('engine process sent no counters')
      return m.counters
    } finally {
      this.waiting.delete(id)
    }
  }

  /** Asks the worker to stop its engines; kills it (by its pid, through the handle) if it lingers. */
  async stop (): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>(resolve => this.child.once('exit', () => { resolve() }))
    this.post({ t: 'stop' })
    const timer = setTimeout(() => { this.child.kill('SIGKILL') }, C.SWARM_STOP_TIMEOUT_MS)
    await gone
    clearTimeout(timer)
  }

  private async wait (ms: number, what: string, start: (resolve: (m: FromWorker) => void) => void): Promise<FromWorker> {
    let timer: NodeJS.Timeout | undefined
    try {
      return await new Promise<FromWorker>((resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`engine process: no answer to ${what} within ${ms} ms`)) }, ms)
        start(resolve)
      })
    } finally {
      clearTimeout(timer)
    }
  }
}

/** The engines spread evenly over `processes` child processes (engines 0..n-1 in order). */
export class ProcSwarm implements Swarm {
  readonly topology: string
  private constructor (private readonly workers: Worker[], readonly nodes: number) {
    this.topology = `${workers.length} processes x ${nodes / workers.length} engines`
  }

  static async start (nodes: number, processes: number, keySeed: string): Promise<ProcSwarm> {
    if (!Number.isInteger(processes) || processes < 1 || nodes % processes !== 0) {
      throw new RangeError(`${nodes} engines do not split evenly over ${processes} processes`)
    }
    const per = nodes / processes
    const workers = Array.from({ length: processes }, (_, p) => new Worker(p * per, per))
    try {
      // The first process grows its engines as TestNet does; the others join through its first three.
      const seeds = (await workers[0].init([], keySeed)).slice(0, 3)
      await Promise.all(workers.slice(1).map(async w => await w.init(seeds, keySeed)))
    } catch (e) {
      await Promise.all(workers.map(async w => await w.stop()))
      throw e
    }
    return new ProcSwarm(workers, nodes)
  }

  private per (): number { return this.nodes / this.workers.length }

  async op (req: OpRequest): Promise<OpResult> {
    const w = this.workers[Math.floor(req.node / this.per())]
    return await w.op(req.node % this.per(), req)
  }

  async counters (): Promise<SwarmCounters> {
    const all = await Promise.all(this.workers.map(async w => await w.counters()))
    return all.reduce((a, c) => ({ cpuMs: a.cpuMs + c.cpuMs, packetsOut: a.packetsOut + c.packetsOut, verifies: a.verifies + c.verifies }), { cpuMs: 0, packetsOut: 0, verifies: 0 })
  }

  async stop (): Promise<void> { await Promise.all(this.workers.map(async w => await w.stop())) }
}

/** The topology the bench runs: `processes` 1 keeps every engine in this process. */
export async function startSwarm (nodes: number, processes: number, keySeed: string): Promise<Swarm> {
  return processes <= 1 ? await LocalSwarm.start(nodes, keySeed) : await ProcSwarm.start(nodes, processes, keySeed)
}
