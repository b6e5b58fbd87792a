// One bench node process: `tau-node start` with JSON logs, lines parsed as they come, waits on a
// log predicate with a deadline, /proc figures (RSS, CPU ticks), heap through memProbe.mjs, and a
// stop that signals only its own pid (SIGTERM, then SIGKILL after a grace period).
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { requireBuilt } from '../../../bin/compiled.mjs'
import { preloadJemalloc } from '../../testnet/allocator.js'
import { NODE_PROCESS_FLAGS } from '../../testnet/constants.js'

const here = dirname(fileURLToPath(import.meta.url))
export const REPO = resolve(here, '..', '..', '..')
const CLK_TCK = 100

export interface LogLine { message?: string, timestamp?: string, [k: string]: unknown }
export interface NodeSpec { dataDir: string, genesisFile: string, keyFile?: string, bootstrap?: string, mine?: boolean, cpuProfDir?: string, logLevel?: string, fromSources?: boolean, env?: Record<string, string>, nodeFlags?: string[] }

export class BenchNode {
  readonly pid: number
  readonly lines: LogLine[] = []
  private readonly child: ChildProcess
  private readonly waiters = new Set<() => void>()
  readonly exited: Promise<void>

  constructor (readonly spec: NodeSpec) {
    // What users run: the compiled node (the launcher would fall back to the sources if dist/ were stale).
    if (spec.fromSources !== true) requireBuilt(REPO)
    // The launcher's shebang flags (`#!/usr/bin/env -S node --flag …`) apply when it runs as a program
    // (npm's bin link, a PATH lookup); spawned through process.execPath it needs them given here.
    const nodeArgs = [...launcherFlags(), ...NODE_PROCESS_FLAGS, ...(spec.nodeFlags ?? []), '--import', join(here, 'memProbe.mjs')]
    if (spec.cpuProfDir !== undefined) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', spec.cpuProfDir)
    const args = ['start', '--data-dir', spec.dataDir, '--genesis', spec.genesisFile, '--dht-host', '127.0.0.1', '--dht-port', '0',
      '--api-host', '127.0.0.1', '--api-port', '0', '--log-format', 'json', '--log-level', spec.logLevel ?? 'info', spec.mine === true ? '--mine' : '--no-mine']
    if (spec.keyFile !== undefined) args.push('--key-file', spec.keyFile)
    if (spec.bootstrap !== undefined) args.push('--bootstrap', spec.bootstrap)
    const env = { ...process.env, ...(spec.fromSources === true ? { TAU_RUN_SOURCES: '1' } : {}), ...spec.env }
    // On jemalloc when it is installed, as the image, the unit and the testnet run a node; `LD_PRELOAD=`
    // (empty) in the bench's environment or the spec's measures glibc's malloc instead.
    preloadJemalloc(env)
    this.child = spawn(process.execPath, [...nodeArgs, join(REPO, 'bin', 'tau-node.js'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env })
    this.pid = this.child.pid ?? -1
    this.exited = new Promise(res => this.child.once('exit', () => { res(); this.wake() }))
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream === null) continue
      createInterface({ input: stream }).on('line', l => {
        if (!l.startsWith('{')) return
        try { this.lines.push(JSON.parse(l) as LogLine) } catch { return }
        this.wake()
      })
    }
  }

  get running (): boolean { return this.child.exitCode === null && this.child.signalCode === null }

  private wake (): void { for (const w of [...this.waiters]) w() }

  /** The first log line (from index `from`) matching `pred`; throws after `timeoutMs` or if the process exits. */
  async waitLine (pred: (l: LogLine) => boolean, timeoutMs: number, what: string, from = 0): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs
    let i = from
    for (;;) {
      for (; i < this.lines.length; i++) if (pred(this.lines[i])) return this.lines[i]
      if (!this.running) throw new Error(`node ${this.pid} exited while waiting for ${what}; last lines:\n${this.tail()}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${what}; last lines:\n${this.tail()}`)
      await new Promise<void>(res => {
        const t = setTimeout(done, Math.min(left, 1000))
        function done (): void { clearTimeout(t); res() }
        this.waiters.add(done)
        setTimeout(() => this.waiters.delete(done), Math.min(left, 1000) + 1)
      })
    }
  }

  tail (n = 8): string { return this.lines.slice(-n).map(l => JSON.stringify(l).slice(0, 300)).join('\n') }

  /** DHT endpoint from the 'node starting' line. */
  async dhtEndpoint (timeoutMs = 60_000): Promise<string> {
    const l = await this.waitLine(x => x.message === 'node starting', timeoutMs, 'node starting')
    return String(l.dht)
  }

  /** Resident set size in bytes (VmRSS). */
  rssBytes (): number {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))
    return m === null ? NaN : Number(m[1]) * 1024
  }

  /**
   * RSS split as /proc reports it: anonymous memory (heaps, malloc) and file-backed pages (the
   * LevelDB tables the store has mapped: the kernel drops those under pressure, they are a cache).
   */
  rssSplit (): { anon: number, file: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? NaN) * 1024
    return { anon: kb('RssAnon'), file: kb('RssFile') }
  }

  /** User + system CPU seconds so far. */
  cpuSeconds (): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / CLK_TCK
  }

  /** process.memoryUsage() of the node, and its heap after a full GC (heapLive), through memProbe.mjs. */
  async memory (): Promise<{ rss: number, heapUsed: number, heapLive: number }> {
    const from = this.lines.length
    this.child.kill('SIGUSR2')
    const l = await this.waitLine(x => x.message === 'bench memory', 10_000, 'memory probe', from)
    return { rss: Number(l.rss), heapUsed: Number(l.heapUsed), heapLive: Number(l.heapLive) }
  }

  async stop (graceMs = 15_000): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGTERM')
    const t = setTimeout(() => { if (this.running) this.child.kill('SIGKILL') }, graceMs)
    await this.exited
    clearTimeout(t)
  }
}

/** The node flags on bin/tau-node.js's shebang line (none for a plain `#!/usr/bin/env node`). */
export function launcherFlags (): string[] {
  const first = readFileSync(join(REPO, 'bin', 'tau-node.js'), 'utf8').split('\n', 1)[0]
  const m = /^#!\/usr\/bin\/env -S node (.+)$/.exec(first)
  return m === null ? [] : m[1].trim().split(/\s+/)
}

export const timeMs = (l: LogLine): number => Date.parse(String(l.timestamp))
