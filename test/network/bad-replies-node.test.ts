// Malformed DHT replies against a node process (issue 14, item 2). Two miners run as real processes
// (`tau-node start`, UDP DHT and API on 127.0.0.1). A raw UDP socket keeps joining node-0's routing
// table (a ping query with a proper id every 250 ms, the way any node joins) and answers every query
// node-0 sends it with a reply whose `r.id` is not a 32-byte string. Before the reply guard, every
// such reply to a recursive lookup left that lookup waiting for good, holding its socket listener:
// the `lookupListeners` gauge only grew and gets took their full timeout. Read from node-0's own
// /metrics: the replies were dropped, lookups stay fast, and the listener count falls back once the
// lookups in flight end. (Measured, 30 s: before the guard the gauge climbed 2 → 32 and never fell; with it, 1 throughout.)
import bencode from 'bencode'
import { expect } from 'chai'
import { createSocket, type RemoteInfo } from 'node:dgram'
import { QUERY_TIMEOUT_MS } from '../../dht/constants.js'
import { healthyTimeoutMs, LOOPBACK } from '../../scripts/testnet/constants.js'
import { Testnet } from '../../scripts/testnet/network.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const ATTACK_MS = 30_000
const ANNOUNCE_MS = 250
/** Channel reads and sync lookups in flight on an idle two-node network stay well under this. */
const IDLE_LISTENERS_MAX = 8

const BAD_IDS: unknown[] = [5, [Buffer.alloc(32, 1)], { x: Buffer.alloc(32, 1) }, Buffer.alloc(20, 2)]

async function metrics (port: number): Promise<Map<string, number>> {
  const res = await fetch(`http://${LOOPBACK}:${port}/metrics`)
  const out = new Map<string, number>()
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) ([0-9.eE+-]+)$/.exec(line)
    if (m !== null) out.set(m[1], Number(m[2]))
  }
  return out
}

describe('node: a peer that sends malformed replies (real processes)', function () {
  this.timeout(4 * 60_000)
  let net: Testnet
  const sock = createSocket('udp4')

  before(async () => {
    await new Promise<void>(resolve => sock.bind(0, LOOPBACK, resolve))
    net = await Testnet.create({ nodes: 2, blockTime: T, mutableRange: 6, seed: 'tau-node-issue-14-replies' })
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T) })
  })

  after(async () => {
    sock.close()
    if (net === undefined) return
    await net.stop()
    net.removeDir()
  })

  it('are dropped; lookups stay fast and their listeners do not grow', async () => {
    const node = net.nodeAt(0)
    let answered = 0
    sock.on('message', (buf: Buffer, from: RemoteInfo) => {
      let msg: { t?: unknown, y?: unknown }
      try { msg = bencode.decode(buf) as typeof msg } catch { return }
      if (!(msg.y instanceof Uint8Array) || msg.y[0] !== 0x71 || !(msg.t instanceof Uint8Array)) return // queries only
      const reply = { t: Buffer.from(msg.t), y: 'r', r: { id: BAD_IDS[answered++ % BAD_IDS.length], nodes: Buffer.alloc(0) } }
      sock.send(Buffer.from(bencode.encode(reply)), from.port, from.address)
    })
    const ping = Buffer.from(bencode.encode({ t: Buffer.from([0xff, 0xfe]), y: 'q', q: 'ping', a: { id: Buffer.alloc(32, 0x42) } }))
    const announce = setInterval(() => sock.send(ping, node.ports.dht, LOOPBACK), ANNOUNCE_MS)
    const listeners: number[] = []
    const startMs = Date.now()
    try {
      await waitFor(async () => {
        listeners.push((await metrics(node.ports.api)).get('tau_dht_lookup_listeners') ?? -1)
        return Date.now() - startMs >= ATTACK_MS
      }, { timeoutMs: ATTACK_MS + 10_000, intervalMs: 1000, what: 'the attack window' })
    } finally {
      clearInterval(announce)
    }
    const m = await metrics(node.ports.api)
    // Latency quantiles from the engine's own summary (/metrics has histogram buckets, not quantiles).
    const dht = await (await fetch(`http://${LOOPBACK}:${node.ports.api}/dht`)).json() as { stats: { latencyMs: Record<string, { p50: number | null, p95: number | null }> } }
    const rec = dht.stats.latencyMs.getRecursive
    const report = JSON.stringify({
      answered, listeners, dropped: m.get('tau_dht_dropped_total{reason="reply_bad_id"}'), getRecursiveMs: rec
    })
    if (process.env.BAD_REPLIES_VERBOSE !== undefined) console.log(report)
    // The node asked the hostile socket, and its replies were dropped by the guard.
    expect(answered, report).to.be.at.least(10)
    expect(m.get('tau_dht_dropped_total{reason="reply_bad_id"}') ?? 0, report).to.be.at.least(10)
    // A lookup that met an unanswered query waited at least a query timeout; none did.
    expect(rec?.p95 ?? Infinity, report).to.be.below(QUERY_TIMEOUT_MS)
    // No listener is left behind: the count stays low throughout and falls back when the lookups end.
    expect(Math.max(...listeners), report).to.be.at.most(2 * IDLE_LISTENERS_MAX)
    await waitFor(async () => ((await metrics(node.ports.api)).get('tau_dht_lookup_listeners') ?? Infinity) <= IDLE_LISTENERS_MAX, {
      timeoutMs: 10_000, what: 'lookup listeners back to an idle count', describe: () => report
    })
  })
})
