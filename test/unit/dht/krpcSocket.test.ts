// The KRPC transport (dht/krpcSocket.ts) on real UDP sockets on 127.0.0.1: a query and its answer,
// BEP 42 `ip` both ways, and every datagram that must not reach the library dropped with a
// counted reason (never a throw): undecodable, unknown transaction id, a reply from another
// endpoint than the one asked, a malformed reply (which fails its query at once), blocked peers.
import bencode from 'bencode'
import { expect } from 'chai'
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import type { KrpcMessage } from 'bittorrent-dht'
import { Blocklist } from '../../../dht/blocklist.js'
import { ExternalEndpoint } from '../../../dht/external.js'
import { KrpcSocket, type QueryError } from '../../../dht/krpcSocket.js'
import { DhtStats } from '../../../dht/stats.js'
import { waitFor } from '../../helpers/wait.js'

const TIMEOUT_MS = 400
const ID = Buffer.alloc(32, 9)

interface Side { sock: KrpcSocket, stats: DhtStats, blocked: Blocklist, external: ExternalEndpoint, bad: RemoteInfo[], port: number }

async function side (): Promise<Side> {
  const stats = new DhtStats(); const blocked = new Blocklist(); const external = new ExternalEndpoint()
  const bad: RemoteInfo[] = []
  const sock = new KrpcSocket({ timeoutMs: TIMEOUT_MS, stats, blocked, external, badReply: from => bad.push(from) })
  // As the library does: bind first, listen for 'listening' after (it must not come inside bind()).
  sock.bind(0, '127.0.0.1')
  await new Promise<void>(resolve => sock.once('listening', resolve))
  return { sock, stats, blocked, external, bad, port: sock.address().port }
}

async function rawSocket (): Promise<Socket> {
  const s = createSocket('udp4')
  await new Promise<void>(resolve => s.bind(0, '127.0.0.1', resolve))
  return s
}

type Outcome = { err: QueryError | null, res: KrpcMessage | null, ms: number }
function ask (s: Side, port: number, q = 'ping'): { tid: number, done: Promise<Outcome> } {
  const t0 = performance.now()
  let tid = 0
  const done = new Promise<Outcome>(resolve => {
    tid = s.sock.query({ host: '127.0.0.1', port }, { q, a: { id: ID } }, (err, res) => resolve({ err, res, ms: performance.now() - t0 }))
  })
  return { tid, done }
}

/** The next datagram a raw socket receives, decoded. */
const nextQuery = (raw: Socket): Promise<{ msg: Record<string, unknown>, from: RemoteInfo }> => new Promise(resolve => {
  raw.once('message', (buf, from) => resolve({ msg: bencode.decode(buf) as Record<string, unknown>, from }))
})

describe('dht/krpcSocket (real UDP on 127.0.0.1)', function () {
  this.timeout(10_000)
  const opened: Array<{ close: () => void }> = []
  let a: Side, b: Side
  beforeEach(async () => {
    a = await side(); b = await side()
    opened.push({ close: () => a.sock.destroy() }, { close: () => b.sock.destroy() })
  })
  afterEach(() => { for (const s of opened.splice(0)) s.close() })

  it('a query and its response: matched by transaction id, BEP 42 ip named and reported, counted', async () => {
    b.sock.on('query', (msg: KrpcMessage, from: RemoteInfo) => b.sock.response(from, msg, { id: Buffer.alloc(32, 2) }))
    const { done } = ask(a, b.port)
    const out = await done
    expect(out.err).to.equal(null)
    expect(Buffer.from(out.res?.r?.id as Buffer).equals(Buffer.alloc(32, 2))).to.equal(true)
    expect(a.sock.inflight).to.equal(0)
    expect(a.external.view().reporters).to.equal(1) // b named a's endpoint in `ip`
    expect(a.stats.traffic.packetsOut).to.equal(1)
    expect(a.stats.traffic.packetsIn).to.equal(1)
    expect(b.stats.traffic.packetsIn).to.equal(1)
    expect(a.stats.traffic.bytesOut).to.equal(b.stats.traffic.bytesIn)
  })

  it('an error reply ends the query with its numeric code', async () => {
    b.sock.on('query', (msg: KrpcMessage, from: RemoteInfo) => b.sock.error(from, msg, [203, 'bad token']))
    const out = await ask(a, b.port).done
    expect(out.err?.code).to.equal(203)
  })

  it('drops undecodable datagrams, unknown transaction ids and replies from another endpoint, counted', async () => {
    const raw = await rawSocket(); const other = await rawSocket()
    opened.push(raw, other)
    const { done } = ask(a, raw.address().port)
    const { msg } = await nextQuery(raw)
    const t = msg.t as Uint8Array
    const reply = (tid: Uint8Array, r: Record<string, unknown> = { id: ID }): Buffer => Buffer.from(bencode.encode({ t: tid, y: 'r', r }))
    const send = (s: Socket, buf: Buffer): void => { s.send(buf, a.port, '127.0.0.1') }
    send(raw, Buffer.from('d1:t2:aa1:y1:r1:rd2:id3'))
    send(raw, reply(new Uint8Array([t[0] ^ 0xff, t[1]])))
    send(raw, reply(new Uint8Array([1, 2, 3])))
    send(other, reply(t)) // right tid, wrong sender
    send(raw, Buffer.from(bencode.encode({ t, y: 'x' })))
    await waitFor(() => a.stats.traffic.packetsIn >= 5, { timeoutMs: 3000, what: 'the five datagrams to arrive' })
    expect(a.stats.dropped).to.deep.include({ krpc_truncated: 1, reply_unknown_tid: 1, reply_bad_tid: 1, reply_wrong_source: 1, krpc_bad_type: 1 })
    expect(a.sock.inflight).to.equal(1) // none of them ended the query
    send(raw, reply(t)) // the real answer still counts
    const out = await done
    expect(out.err).to.equal(null)
    expect(a.stats.traffic.handlerErrors).to.equal(0)
  })

  it('a malformed reply fails its query at once and names its sender; silence times out within the bound', async () => {
    const raw = await rawSocket()
    opened.push(raw)
    const first = ask(a, raw.address().port)
    const { msg } = await nextQuery(raw)
    raw.send(Buffer.from(bencode.encode({ t: msg.t as Uint8Array, y: 'r', r: { id: 5 } })), a.port, '127.0.0.1')
    const out = await first.done
    expect(out.err?.code).to.equal('DHT_BAD_REPLY')
    expect(out.ms).to.be.below(TIMEOUT_MS)
    expect(a.stats.dropped.reply_bad_id).to.equal(1)
    expect(a.bad.map(r => r.port)).to.deep.equal([raw.address().port])

    const silent = await ask(a, raw.address().port).done // raw never answers
    expect(silent.err?.code).to.equal('ETIMEDOUT')
    expect(silent.ms).to.be.at.least(TIMEOUT_MS * 0.9).and.below(TIMEOUT_MS * 1.25 + 300)
  })

  it('blocked endpoints: nothing sent to them, nothing taken from them; cancel ends a query', async () => {
    b.blocked.replace([{ host: '127.0.0.1', port: a.port }])
    b.sock.on('query', (msg: KrpcMessage, from: RemoteInfo) => b.sock.response(from, msg, { id: ID }))
    const q = ask(a, b.port)
    await waitFor(() => b.stats.traffic.blockedIn >= 1, { timeoutMs: 3000, what: 'the blocked query to arrive' })
    expect(b.stats.traffic.packetsIn).to.equal(0)
    a.sock.cancel(q.tid)
    expect((await q.done).err?.message).to.match(/cancelled/)
    a.blocked.replace([{ host: '127.0.0.1', port: b.port }])
    const r = await ask(a, b.port).done
    expect(a.stats.traffic.blockedOut).to.equal(1)
    expect(r.err).to.not.equal(null)
  })

  it('destroy ends every query in flight and later queries fail without a throw', async () => {
    const raw = await rawSocket()
    opened.push(raw)
    const q = ask(a, raw.address().port)
    await new Promise<void>(resolve => a.sock.destroy(resolve))
    expect((await q.done).err).to.not.equal(null)
    expect((await ask(a, raw.address().port).done).err?.message).to.match(/destroyed/)
  })
})
