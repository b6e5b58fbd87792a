// One node OS process started through the CLI. Its stdout and stderr go line by line to a log file and
// to a callback; it is only ever signalled by its own pid, and only while it is running.
import { type ChildProcess, spawn } from 'node:child_process'
import { type WriteStream, createWriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { MAX_LOG_LINE_CHARS, NODE_PROCESS_FLAGS } from './constants.js'

export interface SpawnSpec {
  /** The script run by this Node.js binary (bin/tau-node.js). */
  script: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** Output is appended here, so a restarted node keeps one log. */
  logPath: string
  /** A command that runs the node (e.g. `ip netns exec <ns>`); it must exec it, keeping the pid. */
  wrap?: string[]
}

export interface ExitInfo { code: number | null, signal: NodeJS.Signals | null }

export class NodeProcess {
  readonly pid: number
  private readonly child: ChildProcess
  private readonly log: WriteStream
  private exitInfo?: ExitInfo
  readonly exited: Promise<ExitInfo>
  /** Resolves when stdout and stderr are drained and the log file is closed. */
  private readonly logClosed: Promise<void>

  constructor (spec: SpawnSpec, onLine: (line: string, stream: 'out' | 'err') => void) {
    this.log = createWriteStream(spec.logPath, { flags: 'a' })
    // detached: its own process group, so a terminal Ctrl-C reaches only the runner, which then stops
    // each node once (a node treats a second signal as "exit now").
    const argv = [process.execPath, ...NODE_PROCESS_FLAGS, spec.script, ...spec.args]
    const [cmd, ...rest] = spec.wrap !== undefined && spec.wrap.length > 0 ? [...spec.wrap, ...argv] : argv
    this.child = spawn(cmd, rest, {
      cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true
    })
    let ended = false
    let resolveExit!: (e: ExitInfo) => void
    this.exited = new Promise(resolve => { resolveExit = resolve })
    const finish = (info: ExitInfo): void => {
      if (this.exitInfo !== undefined) return
      this.exitInfo = info
      if (!ended) this.log.write(`# testnet: process ${this.child.pid ?? '?'} exited code=${String(info.code)} signal=${String(info.signal)}\n`)
      resolveExit(info)
    }
    const endLog = (): Promise<void> => new Promise(resolve => {
      if (ended) { resolve(); return }
      ended = true
      this.log.end(resolve)
    })
    this.logClosed = new Promise(resolve => { this.child.once('close', () => { void endLog().then(resolve) }) })
    this.child.once('exit', (code, signal) => finish({ code, signal }))
    this.child.once('error', e => {
      if (!ended) this.log.write(`# testnet: process error: ${e.message}\n`)
      onLine(`testnet: cannot run the node: ${e.message}`, 'err')
      finish({ code: null, signal: null })
    })
    this.endLog = endLog
    this.pid = this.child.pid ?? -1
    for (const [stream, tag] of [[this.child.stdout, 'out'], [this.child.stderr, 'err']] as const) {
      if (stream === null) continue
      const rl = createInterface({ input: stream, crlfDelay: Infinity })
      rl.on('line', raw => {
        if (ended) return
        const line = raw.length > MAX_LOG_LINE_CHARS ? raw.slice(0, MAX_LOG_LINE_CHARS) + '…' : raw
        this.log.write(line + '\n')
        onLine(line, tag)
      })
    }
  }

  get running (): boolean {
    return this.exitInfo === undefined && this.pid > 0
  }

  get exitStatus (): ExitInfo | undefined {
    return this.exitInfo
  }

  /** Sends a signal to this process only (never to a group). False when it is not running. */
  signal (sig: NodeJS.Signals): boolean {
    if (!this.running) return false
    try {
      process.kill(this.pid, sig)
      return true
    } catch {
      return false
    }
  }

  /** Resolves with the exit, or undefined when it has not exited within `ms`. */
  async waitExit (ms: number): Promise<ExitInfo | undefined> {
    if (this.exitInfo !== undefined) return this.exitInfo
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<undefined>(resolve => { timer = setTimeout(() => resolve(undefined), ms) })
    try {
      return await Promise.race([this.exited, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. `forced` tells whether the SIGKILL was needed. */
  async stop (graceMs: number, killWaitMs: number): Promise<ExitInfo & { forced: boolean }> {
    if (this.running) this.signal('SIGTERM')
    const clean = await this.waitExit(graceMs)
    if (clean !== undefined) return { ...clean, forced: false }
    this.signal('SIGKILL')
    const info = await this.waitExit(killWaitMs)
    return { ...(info ?? { code: null, signal: null }), forced: true }
  }

  async kill (killWaitMs: number): Promise<ExitInfo | undefined> {
    this.signal('SIGKILL')
    return await this.waitExit(killWaitMs)
  }

  private readonly endLog: () => Promise<void>

  /** Waits (bounded) for the output to drain after the exit, then closes the log file. */
  async closeLog (ms = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.logClosed, new Promise(resolve => { timer = setTimeout(resolve, ms) })])
    clearTimeout(timer)
    await this.endLog()
  }
}
