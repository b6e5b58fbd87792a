// Node's own UDP cost on this machine, measured in the same run as the DHT figures: the floor
// under our per-datagram CPU. A 300-byte datagram goes back and forth between two sockets on
// 127.0.0.1, in this process (the one-process layout) or with the echo in a process of its own
// (the layout with a process per node group: each datagram then wakes another process). CPU is
// that of every process involved, per datagram sent. No DHT code runs: what our DHT costs above
// this is ours; what this costs is Node's and the machine's.
import { fork } from 'node:child_process'
import dgram from 'node:dgram'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as C from './constants.js'

export interface Floor {
  /** CPU (user + system) of every process involved, per datagram sent, µs. */
  cpuUsPerDatagram: number
  /** Wall time per datagram (half a round trip), µs. */
  wallUsPerDatagram: number
  datagrams: number
  /** Across processes: the echo process's share of the CPU, µs in all. */
  echoCpuUs?: number
}

const ECHO = join(dirname(fileURLToPath(import.meta.url)), 'floorEcho.mjs')
const PAYLOAD = Buffer.alloc(C.FLOOR_PAYLOAD_BYTES, 0x61)

/** Round trips to `port` one at a time, until FLOOR_ROUND_TRIPS or FLOOR_MAX_MS (a lost datagram ends it early). */
async function pingPong (port: number): Promise<{ wallMs: number, datagrams: number }> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>(resolve => { socket.bind(0, '127.0.0.1', resolve) })
  let back = 0
  const t0 = performance.now()
  try {
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, C.FLOOR_MAX_MS)
      socket.on('message', () => {
        if (++back >= C.FLOOR_ROUND_TRIPS) { clearTimeout(timer); resolve(); return }
        socket.send(PAYLOAD, port, '127.0.0.1')
      })
      socket.send(PAYLOAD, port, '127.0.0.1')
    })
  } finally {
    socket.close()
  }
  return { wallMs: performance.now() - t0, datagrams: 2 * back }
}

function result (cpuUs: number, wallMs: number, datagrams: number): Floor {
  return { cpuUsPerDatagram: cpuUs / datagrams, wallUsPerDatagram: wallMs * 1000 / datagrams, datagrams }
}

/** Both sockets in this process. */
export async function floorInProcess (): Promise<Floor> {
  const echo = dgram.createSocket('udp4')
  echo.on('message', (m, from) => { echo.send(m, from.port, from.address) })
  await new Promise<void>(resolve => { echo.bind(0, '127.0.0.1', resolve) })
  try {
    const c0 = process.cpuUsage()
    const r = await pingPong(echo.address().port)
    const c = process.cpuUsage(c0)
    return result(c.user + c.system, r.wallMs, r.datagrams)
  } finally {
    echo.close()
  }
}

/** The echo in a child process (floorEcho.mjs); its CPU is added to ours. */
export async function floorCrossProcess (): Promise<Floor> {
  const child = fork(ECHO, [], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const next = async <T>(what: string): Promise<T> => await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`UDP floor echo: no ${what} within ${C.FLOOR_CHILD_TIMEOUT_MS} ms`)) }, C.FLOOR_CHILD_TIMEOUT_MS)
    child.once('message', m => { clearTimeout(timer); resolve(m as T) })
    child.once('exit', () => { clearTimeout(timer); reject(new Error(`UDP floor echo exited before its ${what}`)) })
  })
  try {
    const { port } = await next<{ port: number }>('port')
    child.send('cpu')
    const before = await next<{ cpuUs: number }>('cpu')
    const c0 = process.cpuUsage()
    const r = await pingPong(port)
    const c = process.cpuUsage(c0)
    child.send('cpu')
    const after = await next<{ cpuUs: number }>('cpu')
    const echoCpuUs = after.cpuUs - before.cpuUs
    return { ...result(c.user + c.system + echoCpuUs, r.wallMs, r.datagrams), echoCpuUs }
  } finally {
    if (child.exitCode === null && child.connected) child.send('exit')
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL') }, C.FLOOR_CHILD_TIMEOUT_MS).unref()
  }
}
