// Port planning on 127.0.0.1: node i gets DHT (UDP) port base + 2i and API (TCP) port base + 2i + 1.
// Every port is checked free before any node starts, by binding it for a moment.
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { AUTO_BASE_PORT, AUTO_PORT_STRIDE, AUTO_PORT_TRIES, LOOPBACK, PORTS_PER_NODE } from './constants.js'

export interface NodePorts { dht: number, api: number }

export const portsOf = (base: number, index: number): NodePorts =>
  ({ dht: base + PORTS_PER_NODE * index, api: base + PORTS_PER_NODE * index + 1 })

export function tcpPortFree (port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise(resolve => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)))
  })
}

export function udpPortFree (port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise(resolve => {
    const sock = createSocket('udp4')
    sock.once('error', () => { sock.close(); resolve(false) })
    sock.bind({ port, address: host, exclusive: true }, () => sock.close(() => resolve(true)))
  })
}

/** The ports of `count` nodes from `base` that are taken (empty when all are free). */
export async function busyPorts (base: number, count: number): Promise<string[]> {
  const busy: string[] = []
  for (let i = 0; i < count; i++) {
    const p = portsOf(base, i)
    if (!await udpPortFree(p.dht)) busy.push(`udp ${p.dht}`)
    if (!await tcpPortFree(p.api)) busy.push(`tcp ${p.api}`)
  }
  return busy
}

/**
 * Checks the given base port, or (without one) searches a bounded number of port blocks for one
 * where every port is free. Throws with the busy ports when nothing fits.
 */
export async function choosePorts (count: number, base?: number): Promise<number> {
  if (base !== undefined) {
    const busy = await busyPorts(base, count)
    if (busy.length > 0) throw new Error(`ports in use on ${LOOPBACK}: ${busy.join(', ')} (choose another --base-port)`)
    return base
  }
  const span = Math.max(AUTO_PORT_STRIDE, count * PORTS_PER_NODE)
  // Start at a pid-dependent block so concurrent runs rarely race for the same ports.
  const offset = process.pid % AUTO_PORT_TRIES
  for (let t = 0; t < AUTO_PORT_TRIES; t++) {
    const candidate = AUTO_BASE_PORT + ((offset + t) % AUTO_PORT_TRIES) * span
    if (candidate + count * PORTS_PER_NODE > 65535) continue
    if ((await busyPorts(candidate, count)).length === 0) return candidate
  }
  throw new Error(`no block of ${count * PORTS_PER_NODE} free ports found on ${LOOPBACK} after ${AUTO_PORT_TRIES} tries`)
}
