// Malformed replies (issue 14, item 2): a raw UDP socket on 127.0.0.1 joins a real engine's routing
// table and answers every query it gets with a reply of a wrong shape (r.id not a 32-byte string,
// r not a dict, bad nodes, k or v of the wrong type). Before the reply guard, a reply whose r.id was
// not a byte string made k-rpc-socket throw after it had removed the request: the lookup waited its
// whole timeout and kept its 'update' listener. Now gets answer in normal time, the hostile's own
// queries fail at once, and the lookups' listener count comes back to where it was.
import bencode from 'bencode'
import { expect } from 'chai'
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { encodeCanonical } from '../../chain/bencode.js'
import { Getter } from '../../dht/get.js'
import { sha256 } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import { TestNet } from '../../dht/testnet.js'
import { QUERY_TIMEOUT_MS } from '../../dht/constants.js'
import { waitFor } from '../helpers/wait.js'

const GETS = 10
const id32 = (fill: number): Buffer => Buffer.alloc(32, fill)

/** Reply bodies of the wrong shape, one per kind; the guard's drop reason for each. */
const BAD_REPLIES: Array<{ reason: string, r: unknown }> = [
  { reason: 'reply_bad_id', r: { id: 5 } },
  { reason: 'reply_bad_id', r: { id: [id32(1)] } },
  { reason: 'reply_bad_id', r: { id: { x: id32(1) } } },
  { reason: 'reply_bad_id', r: { id: Buffer.alloc(20, 2) } },
  { reason: 'reply_bad_r', r: 7 },
  { reason: 'reply_bad_nodes', r: { id: id32(3), nodes: 12 } },
  { reason: 'reply_bad_k', r: { id: id32(3), v: { a: 1 }, k: 9, sig: Buffer.alloc(64) } },
  { reason: 'reply_bad_v', r: { id: id32(3), v: [[[[[[[[[[1]]]]]]]]]] } },
  { reason: 'reply_bad_token', r: { id: id32(3), token: 42 } }
]

/** A socket that answers every query with the current bad reply and counts what it was asked. */
class HostileResponder {
  readonly sock: Socket = createSocket('udp4')
  readonly asked: Record<string, number> = {}
  current = 0

  async start (): Promise<void> {
    await new Promise<void>(resolve => this.sock.bind(0, '127.0.0.1', resolve))
    this.sock.on('message', (buf: Buffer, from: RemoteInfo) => {
      let msg: { t?: unknown, y?: unknown, q?: unknown }
      try { msg = bencode.decode(buf) as typeof msg } catch { return }
      if (!(msg.y instanceof Uint8Array) || msg.y[0] !== 0x71 || !(msg.t instanceof Uint8Array)) return // queries only
      const q = msg.q instanceof Uint8Array ? Buffer.from(msg.q).toString() : '?'
      this.asked[q] = (this.asked[q] ?? 0) + 1
      const reply = { t: Buffer.from(msg.t), y: 'r', r: BAD_REPLIES[this.current % BAD_REPLIES.length].r }
      this.sock.send(Buffer.from(bencode.encode(reply)), from.port, from.address)
    })
  }

  get port (): number { return this.sock.address().port }

  /** A ping query with a proper id: the victim adds its sender to the routing table (as k-rpc does). */
  announce (to: { host: string, port: number }, id: Buffer = id32(0x42)): void {
    const ping = { t: Buffer.from([0xff, 0xfe]), y: 'q', q: 'ping', a: { id } }
    this.sock.send(Buffer.from(bencode.encode(ping)), to.port, to.host)
  }

  close (): void { this.sock.close() }
}

describe('dht: malformed replies (real engines, raw UDP socket on 127.0.0.1)', function () {
  this.timeout(60_000)
  let net: TestNet
  const hostile = new HostileResponder()

  before(async () => {
    net = await TestNet.start(4, { keySeed: 'dht-bad-replies' })
    await hostile.start()
  })
  after(async () => {
    hostile.close()
    await net?.stop()
  })

  it('fail the query they answer at once and are never seen by the library', async () => {
    const victim = net.engines[0]
    for (let i = 0; i < BAD_REPLIES.length; i++) {
      hostile.current = i
      const t0 = performance.now()
      const r = await victim.directGet({ host: '127.0.0.1', port: hostile.port }, id32(9), QUERY_TIMEOUT_MS)
      const ms = performance.now() - t0
      expect(r, `reply ${i} reaches no caller`).to.equal(null)
      expect(ms, `reply ${i} fails the query before its timeout`).to.be.below(QUERY_TIMEOUT_MS / 2)
    }
    const dropped = victim.stats.snapshot().dropped
    for (const reason of new Set(BAD_REPLIES.map(b => b.reason))) {
      expect(dropped[reason] ?? 0, `${reason} in ${JSON.stringify(dropped)}`).to.be.greaterThan(0)
    }
  })

  it('leave recursive gets as fast as usual and lookup listeners where they were', async () => {
    const [victim, , , owner] = net.engines
    const items = Array.from({ length: GETS }, (_, i) => encodeCanonical({ bad: new Uint8Array([i]) }))
    // Served from the owner's store only (no put), so every get is a real lookup through the table.
    const byTarget = new Map(items.map(v => [toHex(sha256(v)), v]))
    owner.setLookup(t => byTarget.get(toHex(t)))
    const targets = items.map(v => sha256(v))
    const getter = new Getter(victim)
    const listenersBefore = victim.stats.snapshot().gauges.lookupListeners
    const inTable = (): boolean => (victim as unknown as { dht: { nodes: { toArray: () => Array<{ port: number }> } } })
      .dht.nodes.toArray().some(c => c.port === hostile.port)
    const t0 = performance.now()
    let askedBefore = hostile.asked.get ?? 0
    let lookupsThatMetHostile = 0
    for (let i = 0; i < GETS; i++) {
      hostile.current = i
      // The hostile re-joins before every get (a bad reply takes it out of the table), with the
      // get's target as its id: the nearest node, so the walk (a few queries at a time) asks it first.
      hostile.announce(victim.endpoint, Buffer.from(targets[i]))
      await waitFor(inTable, { timeoutMs: 5_000, what: 'the hostile socket in the routing table' })
      const got = await getter.getImmutable(targets[i])
      expect(got?.value).to.deep.equal(items[i])
      const asked = hostile.asked.get ?? 0
      if (asked > askedBefore) lookupsThatMetHostile++
      askedBefore = asked
    }
    const totalMs = performance.now() - t0
    expect(lookupsThatMetHostile, 'the lookups asked the hostile node').to.be.at.least(GETS / 2)
    // Each lookup that met an unanswered query waited ≥ QUERY_TIMEOUT_MS before the guard.
    expect(totalMs, `${GETS} gets took ${Math.round(totalMs)} ms`).to.be.below(GETS * QUERY_TIMEOUT_MS / 2)
    await waitFor(() => victim.stats.snapshot().gauges.lookupListeners <= listenersBefore, {
      timeoutMs: 2_000, what: 'lookup listeners back to their count before the gets',
      describe: () => `${victim.stats.snapshot().gauges.lookupListeners} now, ${listenersBefore} before`
    })
  })
})
