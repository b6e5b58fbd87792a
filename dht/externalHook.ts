// Wires external.ts into one bittorrent-dht instance: every response we send gains BEP 42's
// top-level `ip` key (the requester's address as we saw it, compact 6 bytes), and the `ip` key of
// every response that matched one of our queries (k-rpc-socket checked its transaction id and
// source host) is reported to the collector. Unsolicited packets never reach the collector.
import type DHT from 'bittorrent-dht'
import type { KrpcMessage, Peer } from 'bittorrent-dht'
import type { RemoteInfo } from 'node:dgram'
import { isIPv4 } from 'node:net'
import { encodeEndpoint } from './endpoint.js'
import type { ExternalEndpoint } from './external.js'

type SendCb = (err?: Error | null) => void
interface SocketInternals {
  send (peer: RemoteInfo | Peer, message: Record<string, unknown>, cb?: SendCb): void
  response (peer: RemoteInfo | Peer, req: KrpcMessage, res: Record<string, unknown>, cb?: SendCb): void
}

const hostOf = (p: RemoteInfo | Peer): string => 'address' in p ? p.address : p.host

export function installExternalIp (dht: DHT, external: ExternalEndpoint): void {
  const sock = dht._rpc.socket
  const internals = sock as unknown as SocketInternals
  internals.response = (peer, req, res, cb) => {
    const msg: Record<string, unknown> = { t: req.t, y: 'r', r: res }
    const host = hostOf(peer)
    if (isIPv4(host) && Number.isInteger(peer.port) && peer.port > 0 && peer.port < 65536) {
      msg.ip = Buffer.from(encodeEndpoint({ host, port: peer.port }))
    }
    internals.send(peer, msg, cb)
  }
  const query = sock.query.bind(sock)
  sock.query = (peer, msg, cb) => query(peer, msg, (err, res, from) => {
    if (err === null && res !== null && typeof res === 'object' && 'ip' in res) {
      external.report({ host: hostOf(from), port: from.port }, (res as { ip?: unknown }).ip)
    }
    cb(err, res, from)
  })
}
