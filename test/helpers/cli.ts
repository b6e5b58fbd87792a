// The CLI as users run it: `bin/tau-node.js` in a child process. startNodeProcess keeps a node
// running (its output in memory, its API URL from the "API listening" log line); runCli runs one
// command to its end with a deadline. Every process is killed by its own pid in the tests' afterEach.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

export const BIN = join(process.cwd(), 'bin', 'tau-node.js')

/** The environment of a child: ours without TAU_* settings, plus `extra`. */
export function childEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TAU_')) env[k] = v
  return { ...env, ...extra }
}

export interface NodeProc { child: ChildProcess, out: string[], exit: Promise<{ code: number | null, signal: NodeJS.Signals | null }> }

export function startNodeProcess (args: string[], o: { env?: Record<string, string>, cwd?: string } = {}): NodeProc {
  const child = spawn(process.execPath, [BIN, 'start', '--log-format', 'json', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(o.env), cwd: o.cwd })
  const out: string[] = []
  child.stdout?.on('data', (b: Buffer) => out.push(...b.toString().split('\n').filter(Boolean)))
  child.stderr?.on('data', (b: Buffer) => out.push(...b.toString().split('\n').filter(Boolean)))
  const exit = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.once('exit', (code, signal) => resolve({ code, signal })))
  return { child, out, exit }
}

export const logged = (p: NodeProc, message: string): boolean => p.out.some(l => l.includes(`"message":"${message}"`))

/** The API URL a node logged, once it listens. */
export function apiUrlOf (p: NodeProc): string | undefined {
  for (const l of p.out) {
    const m = /"message":"API listening".*"url":"([^"]+)"/.exec(l) ?? /"url":"([^"]+)".*"message":"API listening"/.exec(l)
    if (m !== null) return m[1]
  }
  return undefined
}

export async function stopProcess (p: NodeProc | undefined): Promise<void> {
  if (p === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return
  p.child.kill('SIGTERM')
  const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000)
  await p.exit
  clearTimeout(t)
}

export interface CliResult { code: number | null, stdout: string, stderr: string }

/** Runs `tau-node <args>` to its end; killed (SIGKILL, by pid) after `timeoutMs`. */
export async function runCli (args: string[], o: { env?: Record<string, string>, cwd?: string, timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(o.env), cwd: o.cwd })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => { stdout += b.toString() })
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000)
  const code = await new Promise<number | null>(resolve => child.once('exit', c => resolve(c)))
  clearTimeout(timer)
  return { code, stdout, stderr }
}
