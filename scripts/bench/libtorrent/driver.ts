// Runs the project's libtorrent driver (anchor.py) as a child process and reads its JSON.
// The driver lives in the repo; Debian's python3-libtorrent is the only thing it needs. Every
// wait is bounded, and only the child this module started is ever killed (by its pid).
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as C from './constants.js'
import { OPS, type PhaseResult, type SideResult } from './ops.js'

export type AnchorErrorCode = 'ANCHOR_NOT_JSON' | 'ANCHOR_BAD_SHAPE' | 'ANCHOR_FAILED' | 'ANCHOR_TIMEOUT' | 'ANCHOR_SPAWN' | 'ANCHOR_OUTPUT_TOO_LARGE'

export class AnchorError extends Error {
  constructor (readonly code: AnchorErrorCode, message: string) {
    super(`${code}: ${message}`)
    this.name = 'AnchorError'
  }
}

export interface AnchorRun {
  version: string
  nodes: number
  items: number
  payload: number
  phases: SideResult
}

const here = dirname(fileURLToPath(import.meta.url))
export const ANCHOR_SCRIPT = join(here, 'anchor.py')

/** True when Debian's python3 can import libtorrent (the probe is bounded in time). */
export function libtorrentInstalled (python = C.PYTHON): boolean {
  const r = spawnSync(python, ['-c', 'import libtorrent'], { timeout: C.PROBE_TIMEOUT_MS, stdio: 'ignore' })
  return r.status === 0
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0

function phase (name: string, x: unknown): PhaseResult {
  if (!isObj(x)) throw new AnchorError('ANCHOR_BAD_SHAPE', `phase ${name} missing`)
  const { latMs, cpuMs, ops, failed } = x
  if (!Array.isArray(latMs) || !latMs.every(isNum)) throw new AnchorError('ANCHOR_BAD_SHAPE', `phase ${name}: latMs is not a list of non-negative numbers`)
  if (!isNum(cpuMs) || !isNum(ops) || !isNum(failed)) throw new AnchorError('ANCHOR_BAD_SHAPE', `phase ${name}: cpuMs, ops and failed must be non-negative numbers`)
  if (!Number.isInteger(ops) || !Number.isInteger(failed) || latMs.length + failed !== ops) {
    throw new AnchorError('ANCHOR_BAD_SHAPE', `phase ${name}: ${latMs.length} latencies + ${failed} failed != ${ops} ops`)
  }
  const d = x.datagramsOut
  if (d !== undefined && !isNum(d)) throw new AnchorError('ANCHOR_BAD_SHAPE', `phase ${name}: datagramsOut must be a non-negative number`)
  return d === undefined ? { latMs, cpuMs, ops, failed } : { latMs, cpuMs, ops, failed, datagramsOut: d }
}

/** The driver's stdout → its run; a clear AnchorError for anything else. */
export function parseAnchor (stdout: string): AnchorRun {
  let j: unknown
  try {
    j = JSON.parse(stdout.trim())
  } catch (e) {
    throw new AnchorError('ANCHOR_NOT_JSON', `driver output is not JSON (${(e as Error).message}): ${stdout.slice(0, 120)}`)
  }
  if (!isObj(j)) throw new AnchorError('ANCHOR_BAD_SHAPE', 'driver output is not a JSON object')
  if (j.ok !== true) throw new AnchorError('ANCHOR_FAILED', typeof j.error === 'string' ? j.error : 'driver reported failure')
  if (typeof j.version !== 'string' || !isNum(j.nodes) || !isNum(j.items) || !isNum(j.payload)) {
    throw new AnchorError('ANCHOR_BAD_SHAPE', 'version, nodes, items and payload are required')
  }
  if (!isObj(j.phases)) throw new AnchorError('ANCHOR_BAD_SHAPE', 'phases missing')
  const phases = j.phases
  const out = {} as SideResult
  for (const op of OPS) out[op] = phase(op, phases[op])
  return { version: j.version, nodes: j.nodes, items: j.items, payload: j.payload, phases: out }
}

/** Runs anchor.py on the given workload and parses what it prints. */
export async function runAnchor (nodes: number, items: number, payload: number, python = C.PYTHON): Promise<AnchorRun> {
  const args = [ANCHOR_SCRIPT, '--nodes', String(nodes), '--items', String(items), '--payload', String(payload),
    '--op-timeout', String(C.ANCHOR_OP_TIMEOUT_S), '--max-seconds', String(Math.floor(C.ANCHOR_TIMEOUT_MS / 1000) - 10)]
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let size = 0
    let err = ''
    let failure: AnchorError | undefined
    const kill = (e: AnchorError): void => {
      failure ??= e
      if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL')
    }
    const timer = setTimeout(() => kill(new AnchorError('ANCHOR_TIMEOUT', `driver still running after ${C.ANCHOR_TIMEOUT_MS} ms`)), C.ANCHOR_TIMEOUT_MS)
    child.stdout.on('data', (b: Buffer) => {
      size += b.length
      if (size > C.ANCHOR_MAX_STDOUT_BYTES) kill(new AnchorError('ANCHOR_OUTPUT_TOO_LARGE', `over ${C.ANCHOR_MAX_STDOUT_BYTES} bytes`))
      else chunks.push(b)
    })
    child.stderr.on('data', (b: Buffer) => { err = (err + b.toString()).slice(-2000) })
    child.on('error', e => { clearTimeout(timer); reject(new AnchorError('ANCHOR_SPAWN', e.message)) })
    child.on('close', code => {
      clearTimeout(timer)
      if (failure !== undefined) reject(failure)
      else if (code !== 0) reject(new AnchorError('ANCHOR_FAILED', `driver exited ${code}: ${err.trim().split('\n').pop() ?? ''}`))
      else resolve(Buffer.concat(chunks).toString())
    })
  })
  return parseAnchor(stdout)
}
