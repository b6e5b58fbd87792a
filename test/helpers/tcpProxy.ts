// A loopback TCP proxy that a test can cut (every open connection dropped, as a network failure
// would) and hold (new connections wait until released), to make a client reconnect on cue.
import { type Server, type Socket, createConnection, createServer } from 'node:net'

export interface TcpProxy { port: number, drop: () => void, hold: () => void, release: () => void, close: () => Promise<void> }

export async function startTcpProxy (targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>()
  let held: Socket[] | undefined
  const connect = (client: Socket): void => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort })
    open.add(client); open.add(upstream)
    client.pipe(upstream); upstream.pipe(client)
    const end = (): void => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream) }
    client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end)
  }
  const server: Server = createServer(client => {
    if (held !== undefined) { client.pause(); held.push(client) } else connect(client)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  if (addr === null || typeof addr === 'string') throw new Error('proxy has no port')
  return {
    port: addr.port,
    drop: () => { for (const s of open) s.destroy(); open.clear() },
    hold: () => { held ??= [] },
    release: () => { const h = held ?? []; held = undefined; for (const c of h) { connect(c); c.resume() } },
    close: async () => {
      for (const s of open) s.destroy()
      for (const c of held ?? []) c.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
