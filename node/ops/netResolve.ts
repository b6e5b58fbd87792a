// Host names where the DHT wants IPv4 addresses: bootstrap entries like `tau-0:7000` (a compose
// service name, a server's DNS name) are resolved when the node starts, each retried for a while
// because in a container network a peer's name exists only once its container does; and
// `--dht-host auto` binds the machine's first non-loopback IPv4 address (a container's own
// address, which peers can reach and which blkTip advertises; 0.0.0.0 would advertise nothing usable).
import { lookup } from 'node:dns/promises'
import { isIPv4 } from 'node:net'
import { networkInterfaces } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { NodeError } from '../errors.js'
import type { Endpoint } from '../../dht/index.js'
import { BOOTSTRAP_RESOLVE_ATTEMPTS, BOOTSTRAP_RESOLVE_INTERVAL_MS, MAX_HOST_NAME_CHARS } from './constants.js'

const HOST_NAME = /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** "name:port" with a DNS host name, or undefined when `s` is not of that form. */
export function parseHostNameEndpoint (s: string): Endpoint | undefined {
  const m = /^([^:]+):(\d{1,5})$/.exec(s.trim())
  if (m === null || m[1].length > MAX_HOST_NAME_CHARS || !HOST_NAME.test(m[1]) || /^[\d.]+$/.test(m[1])) return undefined
  const port = Number(m[2])
  if (port < 1 || port > 65535) return undefined
  return { host: m[1], port }
}

export interface ResolveOptions { attempts?: number, intervalMs?: number, signal?: AbortSignal, onRetry?: (host: string, attempt: number, error: string) => void }

/** Bootstrap entries with every host name replaced by its IPv4 address; a name that never resolves is a coded error. */
export async function resolveBootstrap (entries: readonly Endpoint[], o: ResolveOptions = {}): Promise<Endpoint[]> {
  const attempts = o.attempts ?? BOOTSTRAP_RESOLVE_ATTEMPTS
  const out: Endpoint[] = []
  for (const e of entries) {
    if (isIPv4(e.host)) { out.push(e); continue }
    let last = ''
    let address: string | undefined
    for (let i = 1; i <= attempts && address === undefined; i++) {
      try {
        address = (await lookup(e.host, { family: 4 })).address
      } catch (err) {
        last = (err as Error).message
        o.onRetry?.(e.host, i, last)
        if (i < attempts) await sleep(o.intervalMs ?? BOOTSTRAP_RESOLVE_INTERVAL_MS, undefined, { signal: o.signal })
      }
    }
    if (address === undefined) {
      throw new NodeError('BOOTSTRAP_UNRESOLVED', `bootstrap host "${e.host}" did not resolve to an IPv4 address after ${attempts} tries: ${last}`)
    }
    out.push({ host: address, port: e.port })
  }
  return out
}

/** `auto`: the first non-internal IPv4 address of this machine; anything else is returned as given. */
export function resolveDhtHost (host: string): string {
  if (host !== 'auto') return host
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  throw new NodeError('DHT_HOST_AUTO', '--dht-host auto found no non-loopback IPv4 address on this machine')
}
