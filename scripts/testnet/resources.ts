// CPU and memory of a node process from Linux /proc: utime + stime from /proc/<pid>/stat (clock ticks),
// VmRSS and VmHWM from /proc/<pid>/status (kB). Elsewhere (no /proc) the figures stay empty.
import { readFileSync } from 'node:fs'
import { CLOCK_TICKS_PER_S } from './constants.js'

export interface ProcSample { cpuS: number, rssKb: number, peakRssKb: number }

/** Parses /proc/<pid>/stat text: fields after the parenthesised command name, which may hold spaces. */
export function parseProcStat (text: string): { utimeTicks: number, stimeTicks: number } | undefined {
  const close = text.lastIndexOf(')')
  if (close < 0) return undefined
  // After ")": field 3 (state) is rest[0], so field k is rest[k - 3]; utime = 14, stime = 15.
  const rest = text.slice(close + 2).trim().split(/\s+/)
  const utime = Number(rest[14 - 3])
  const stime = Number(rest[15 - 3])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined
  return { utimeTicks: utime, stimeTicks: stime }
}

/** Parses a "Name:   123 kB" line of /proc/<pid>/status. */
export function parseStatusKb (text: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text)
  return m === null ? undefined : Number(m[1])
}

export function sampleProcess (pid: number): ProcSample | undefined {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    if (stat === undefined) return undefined
    const rssKb = parseStatusKb(status, 'VmRSS') ?? 0
    return { cpuS: (stat.utimeTicks + stat.stimeTicks) / CLOCK_TICKS_PER_S, rssKb, peakRssKb: parseStatusKb(status, 'VmHWM') ?? rssKb }
  } catch {
    return undefined
  }
}

/** CPU and memory of one node across its restarts: finished incarnations are added up. */
export class NodeResources {
  private doneCpuS = 0
  private doneAliveMs = 0
  private current?: { pid: number, startMs: number, last?: ProcSample }
  peakRssKb = 0
  lastRssKb = 0

  started (pid: number, nowMs = Date.now()): void {
    this.exited(nowMs)
    this.current = { pid, startMs: nowMs }
  }

  sample (): void {
    if (this.current === undefined) return
    const s = sampleProcess(this.current.pid)
    if (s === undefined) return
    this.current.last = s
    this.lastRssKb = s.rssKb
    this.peakRssKb = Math.max(this.peakRssKb, s.peakRssKb, s.rssKb)
  }

  exited (nowMs = Date.now()): void {
    if (this.current === undefined) return
    this.doneCpuS += this.current.last?.cpuS ?? 0
    this.doneAliveMs += nowMs - this.current.startMs
    this.current = undefined
  }

  totals (nowMs = Date.now()): { cpuS: number, aliveS: number, cpuPercent: number | null, rssMb: number, peakRssMb: number } {
    const cpuS = this.doneCpuS + (this.current?.last?.cpuS ?? 0)
    const aliveMs = this.doneAliveMs + (this.current === undefined ? 0 : nowMs - this.current.startMs)
    return {
      cpuS,
      aliveS: aliveMs / 1000,
      cpuPercent: aliveMs > 0 ? 100 * cpuS / (aliveMs / 1000) : null,
      rssMb: this.lastRssKb / 1024,
      peakRssMb: this.peakRssKb / 1024
    }
  }
}
