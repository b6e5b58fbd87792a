// Start-up failures a user can fix, as one coded line naming the setting to change, instead of a
// stack trace: a busy or unavailable DHT or API address. Anything else is left as it is.
import { NodeError } from './errors.js'
import { isDhtError } from '../dht/errors.js'
import type { NodeConfig } from './config.js'

const ERRNO_RE = /\b(EADDRINUSE|EADDRNOTAVAIL|EACCES)\b/

function errnoOf (e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code === 'string' && ERRNO_RE.test(code)) return code
  return e instanceof Error ? ERRNO_RE.exec(e.message)?.[1] : undefined
}

function explain (errno: string, proto: 'UDP' | 'TCP', host: string, port: number, what: string, flag: string): NodeError {
  const prefix: 'START_DHT' | 'START_API' = what === 'DHT' ? 'START_DHT' : 'START_API'
  if (errno === 'EADDRINUSE') {
    return new NodeError(`${prefix}_PORT_IN_USE`, `${what} ${proto} port ${port} on ${host} is already in use (another node?); choose another with --${flag}-port (0: any free port)`, { host, port })
  }
  if (errno === 'EADDRNOTAVAIL') {
    return new NodeError(`${prefix}_HOST_UNAVAILABLE`, `${what} address ${host} is not an address of this machine; change --${flag}-host`, { host, port })
  }
  return new NodeError(`${prefix}_PORT_DENIED`, `not allowed to listen on ${what} ${proto} port ${port} on ${host} (ports below 1024 need privileges); change --${flag}-port`, { host, port })
}

/** The coded error for a start failure the user can fix, or undefined to report `e` as it is. */
export function explainStartError (e: unknown, cfg: NodeConfig): NodeError | undefined {
  const errno = errnoOf(e)
  if (errno === undefined) return undefined
  if (isDhtError(e, 'DHT_LISTEN_FAILED')) return explain(errno, 'UDP', cfg.dhtHost, cfg.dhtPort, 'DHT', 'dht')
  if ((e as { syscall?: unknown }).syscall === 'listen') return explain(errno, 'TCP', cfg.apiHost, cfg.apiPort, 'API', 'api')
  return undefined
}
