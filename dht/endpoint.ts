// DHT endpoints: {host, port} objects, "host:port" strings and the 6-byte compact form
// (IPv4 address + big-endian port, as in BEP5 compact peer info) carried in `blkTip.e`.
import { isIPv4 } from 'node:net'
import { COMPACT_ENDPOINT_BYTES } from './constants.js'
import { DhtError } from './errors.js'

export interface Endpoint {
  host: string
  port: number
}

function checkPort (port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DhtError('DHT_BAD_ENDPOINT', `port must be in [1, 65535], got ${port}`)
  }
}

export function encodeEndpoint (ep: Endpoint): Uint8Array {
  if (!isIPv4(ep.host)) throw new DhtError('DHT_BAD_ENDPOINT', `not an IPv4 address: ${ep.host}`)
  checkPort(ep.port)
  const out = new Uint8Array(COMPACT_ENDPOINT_BYTES)
  ep.host.split('.').forEach((part, i) => { out[i] = Number(part) })
  out[4] = ep.port >> 8
  out[5] = ep.port & 0xff
  return out
}

export function decodeEndpoint (b: Uint8Array): Endpoint {
  if (b.length !== COMPACT_ENDPOINT_BYTES) {
    throw new DhtError('DHT_BAD_ENDPOINT', `compact endpoint must be ${COMPACT_ENDPOINT_BYTES} bytes, got ${b.length}`)
  }
  const port = (b[4] << 8) | b[5]
  checkPort(port)
  return { host: `${b[0]}.${b[1]}.${b[2]}.${b[3]}`, port }
}

/** "127.0.0.1:6881" → {host, port}; IPv4 only, like the rest of the DHT (BEP5 compact nodes). */
export function parseEndpoint (s: string): Endpoint {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s.trim())
  if (m === null || !isIPv4(m[1])) throw new DhtError('DHT_BAD_ENDPOINT', `expected "ipv4:port", got "${s}"`)
  const port = Number(m[2])
  checkPort(port)
  return { host: m[1], port }
}

export function formatEndpoint (ep: Endpoint): string {
  return `${ep.host}:${ep.port}`
}
