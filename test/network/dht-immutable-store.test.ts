// An immutable put a node receives is stored by the project's handler (handler.ts, immutablePut)
// under the library's rules: a bad token is answered 203 and stores nothing; a good one stores v
// under the SHA-256 of its canonical encoding (a non-canonical encoding on the wire is stored as its
// canonical form, as the library did), answered with the node's id. A `get` answer's `nodes` is
// the compact form of the node's closest contacts (compactNodes.ts). Real UDP on 127.0.0.1, a raw
// dgram socket as the peer.
import bencode from 'bencode'
import { expect } from 'chai'
import { createSocket, type Socket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { sha256 } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import { COMPACT_NODE_BYTES, ID_BYTES } from '../../dht/constants.js'
import { decodeKrpc } from '../../dht/krpcDecode.js'
import { TestNet } from '../../dht/testnet.js'

type Reply = Record<string, unknown> & { y?: Buffer, r?: Record<string, Buffer>, e?: unknown[] }

/** Sends one raw datagram to `port` and waits (bounded) for the answer carrying transaction id `t`. */
async function ask (sock: Socket, port: number, packet: Buffer, t: Buffer): Promise<Reply> {
  return await new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => { sock.off('message', on); reject(new Error('no answer within 3 s')) }, 3000)
    const on = (msg: Buffer): void => {
      const d = decodeKrpc(msg)
      if (!d.ok) return
      const m = d.msg as Reply
      if (!Buffer.isBuffer(m.t) || !m.t.equals(t)) return
      clearTimeout(timer)
      sock.off('message', on)
      resolve(m)
    }
    sock.on('message', on)
    sock.send(packet, port, '127.0.0.1')
  })
}

describe('dht: immutable puts received, compact nodes in answers', function () {
  this.timeout(20_000)
  let net: TestNet
  let sock: Socket
  let tid = 0
  const id = randomBytes(ID_BYTES)
  const nextT = (): Buffer => Buffer.from([0x7a, tid++ & 0xff])
  const query = (q: string, a: Record<string, unknown>, t: Buffer): Buffer => Buffer.from(bencode.encode({ t, y: 'q', q, a: { id, ...a } }))
  /** The raw bytes of an immutable put whose `v` is `vBytes` exactly (possibly not canonical). */
  const rawPut = (token: Buffer, vBytes: Buffer, t: Buffer): Buffer => Buffer.concat([
    Buffer.from(`d1:ad2:id${ID_BYTES}:`), id, Buffer.from(`5:token${token.length}:`), token, Buffer.from('1:v'), vBytes,
    Buffer.from(`e1:q3:put1:t${t.length}:`), t, Buffer.from('1:y1:qe')
  ])

  before(async () => {
    net = await TestNet.start(6, { keySeed: 'dht-immutable-store' })
    sock = createSocket('udp4')
    await new Promise<void>(resolve => sock.bind(0, '127.0.0.1', resolve))
  })
  after(async () => {
    sock?.close()
    await net?.stop()
  })

  const portOf = (i: number): number => net.engines[i].endpoint.port

  async function tokenFrom (port: number): Promise<{ token: Buffer, nodes: Buffer }> {
    const t = nextT()
    const r = await ask(sock, port, query('get', { target: randomBytes(ID_BYTES) }, t), t)
    expect(r.y?.toString()).to.equal('r')
    return { token: r.r!.token, nodes: r.r!.nodes }
  }

  async function getValue (port: number, target: Uint8Array): Promise<unknown> {
    const t = nextT()
    const r = await ask(sock, port, query('get', { target: Buffer.from(target) }, t), t)
    return (r.r as Record<string, unknown>).v
  }

  it('stores a canonical value under its SHA-256 and answers gets for it', async () => {
    const port = portOf(1)
    const { token } = await tokenFrom(port)
    const v = Buffer.from(bencode.encode({ a: Buffer.from('block bytes'), n: 7 }))
    const t = nextT()
    const r = await ask(sock, port, rawPut(token, v, t), t)
    expect(r.y?.toString()).to.equal('r')
    expect(Buffer.from(r.r!.id).equals(Buffer.from(net.engines[1].nodeId))).to.equal(true)
    const got = await getValue(port, sha256(v)) as Record<string, unknown>
    expect(Buffer.from(bencode.encode(got)).equals(v)).to.equal(true)
  })

  it('stores a non-canonical encoding under the hash of its canonical form, never of the wire bytes', async () => {
    const port = portOf(2)
    const { token } = await tokenFrom(port)
    const wire = Buffer.from('d1:bi1e1:a3:xyze') // keys out of order
    const canonical = Buffer.from('d1:a3:xyz1:bi1ee')
    const t = nextT()
    expect((await ask(sock, port, rawPut(token, wire, t), t)).y?.toString()).to.equal('r')
    expect(await getValue(port, sha256(wire))).to.equal(undefined)
    const got = await getValue(port, sha256(canonical)) as Record<string, unknown>
    expect(Buffer.from(bencode.encode(got)).equals(canonical)).to.equal(true)
  })

  it('answers a bad token with error 203 and stores nothing', async () => {
    const port = portOf(3)
    const v = Buffer.from(bencode.encode({ a: Buffer.from('no token') }))
    const t = nextT()
    const r = await ask(sock, port, rawPut(randomBytes(20), v, t), t)
    expect(r.y?.toString()).to.equal('e')
    expect(r.e?.[0]).to.equal(203)
    expect(await getValue(port, sha256(v))).to.equal(undefined)
  })

  it('names the node\'s closest contacts in compact form (id, IPv4, port) in a get answer', async () => {
    const e = net.engines[4]
    const { nodes } = await tokenFrom(e.endpoint.port)
    expect(nodes.length % COMPACT_NODE_BYTES).to.equal(0)
    expect(nodes.length).to.be.greaterThan(0)
    const others = new Map(net.engines.filter(x => x !== e).map(x => [toHex(x.nodeId), x.endpoint.port]))
    others.set(toHex(id), sock.address().port) // the library adds a querying node (this socket) to its table
    for (let at = 0; at < nodes.length; at += COMPACT_NODE_BYTES) {
      const n = nodes.subarray(at, at + COMPACT_NODE_BYTES)
      const peerId = toHex(n.subarray(0, ID_BYTES))
      expect([...n.subarray(ID_BYTES, ID_BYTES + 4)]).to.deep.equal([127, 0, 0, 1])
      const port = n.readUInt16BE(ID_BYTES + 4)
      expect(others.get(peerId), `contact ${peerId.slice(0, 8)} is one of the swarm's engines or this socket`).to.equal(port)
    }
  })
})
