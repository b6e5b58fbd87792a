// DHT benchmark: a 16-node loopback network in this process (real UDP sockets on 127.0.0.1).
// Latency p50/p95 of direct gets (immutable from a node's store, mutable from the owner), recursive
// mutable gets and puts; process CPU per 1,000 mutable gets; RSS per node. All 16 nodes share
// this process, so CPU figures include the answering nodes' work (the whole network's cost).
import { encodeCanonical } from '../../chain/bencode.js'
import { keyPairFromSeed, sha256, signHash, verifyHash } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import { Getter } from '../../dht/get.js'
import { encodeChannelValue } from '../../dht/items.js'
import { Putter } from '../../dht/put.js'
import { TestNet } from '../../dht/testnet.js'
import { verifyMutable } from '../../dht/verify.js'
import { mutableTarget } from '../../dht/wire.js'
import { type BenchRow, percentile, row } from './harness.js'

const NODES = 16
const REPS = 3
const PER_REP = 100
const CPU_GETS = 1000
const enc = new TextEncoder()

async function timed (fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

function p50p95 (name: string, reps: number[][], unit: string, extra: Partial<BenchRow> = {}): BenchRow[] {
  return [
    row(`${name}.p50`, reps.map(r => percentile(r, 50)), unit, extra),
    row(`${name}.p95`, reps.map(r => percentile(r, 95)), unit)
  ]
}

/** µs per BIP340 verify of a 32-byte hash (the cost behind every mutable answer). */
function verifyMicros (): number {
  const kp = keyPairFromSeed('bench-verify')
  const h = sha256(enc.encode('x'))
  const sig = signHash(h, kp.secretKey)
  const n = 2000
  const t0 = performance.now()
  for (let i = 0; i < n; i++) verifyHash(sig, h, kp.publicKey)
  return ((performance.now() - t0) * 1000) / n
}

export async function run (): Promise<BenchRow[]> {
  const rss0 = process.memoryUsage().rss
  const net = await TestNet.start(NODES, { keySeed: 'dht-bench' })
  const rssIdleMb = (process.memoryUsage().rss - rss0) / NODES / 1024 / 1024
  const e = net.engines
  const getters = e.map(x => new Getter(x))
  const putters = e.map(x => new Putter(x))
  const rows: BenchRow[] = []
  try {
    // Objects only in their owner's store (served through the lookup hook), one per owner.
    const objects = e.map((_, i) => encodeCanonical({ bench: enc.encode(`object-${i}`), pad: new Uint8Array(200) }))
    e.forEach((x, i) => { const id = toHex(sha256(objects[i])); x.setLookup(t => toHex(t) === id ? objects[i] : undefined) })

    const directImm: number[][] = []
    const directMut: number[][] = []
    const putMut: number[][] = []
    const recMut: number[][] = []
    const items: Array<{ owner: number, salt: Uint8Array }> = []
    let verifies = 0
    let queries = 0
    for (let r = 0; r < REPS; r++) {
      const di: number[] = []; const dm: number[] = []; const pm: number[] = []; const rm: number[] = []
      for (let i = 0; i < PER_REP; i++) {
        const owner = (i + r) % NODES
        const reader = (owner + 1 + (i % (NODES - 1))) % NODES
        // Mutable put: a fresh salt per item (a fresh target, as a new channel slot would be).
        const salt = enc.encode(`bench-${r}-${i}`)
        const value = encodeChannelValue('blkTip', { h: sha256(enc.encode(`tip-${r}-${i}`)), n: i, d: BigInt(i) ** 4n })
        pm.push(await timed(async () => await putters[owner].putMutable({ salt, value, seq: i + 1 }).done))
        items.push({ owner, salt })
        // Direct gets from a reader that holds neither item.
        const id = sha256(objects[owner])
        const ep = e[owner].endpoint
        di.push(await timed(async () => await getters[reader].getImmutable(id, { endpoint: ep })))
        dm.push(await timed(async () => await getters[reader].getMutable(e[owner].keyPair!.publicKey, salt, { endpoint: ep })))
        // Recursive mutable get: no endpoint, so the reader walks the network.
        const v0 = e[reader].stats.verifies
        const q0 = e[reader].stats.traffic.packetsOut
        rm.push(await timed(async () => await getters[reader].getMutable(e[owner].keyPair!.publicKey, salt)))
        verifies += e[reader].stats.verifies - v0
        queries += e[reader].stats.traffic.packetsOut - q0
      }
      directImm.push(di); directMut.push(dm); putMut.push(pm); recMut.push(rm)
    }
    // The same lookups with the library's default: the engine hook verifies every answer.
    const everyAnswer: number[] = []
    let everyVerifies = 0
    for (const [i, it] of items.slice(0, PER_REP).entries()) {
      const reader = e[(it.owner + 1 + (i % (NODES - 1))) % NODES]
      const k = e[it.owner].keyPair!.publicKey
      const v0 = reader.stats.verifies
      everyAnswer.push(await timed(async () => {
        const res = await reader.recursiveGet(mutableTarget(k, it.salt), it.salt)
        if (res === null || !verifyMutable(res as never, it.salt, mutableTarget(k, it.salt), () => { reader.stats.verifies++ }).ok) throw new Error('lost item')
      }))
      everyVerifies += reader.stats.verifies - v0
    }
    const perGet = (x: number): string => (x / (REPS * PER_REP)).toFixed(1)
    const us = verifyMicros()
    const vPerGet = verifies / (REPS * PER_REP)
    rows.push(...p50p95('dht.get.direct.immutable', directImm, 'ms', { bound: 1, boundLabel: 'goal', note: 'from the owner store via lookup hook, 1 UDP round trip' }))
    rows.push(...p50p95('dht.get.direct.mutable', directMut, 'ms', { bound: 1, boundLabel: 'goal', note: 'owner serves its own item; 1 verify' }))
    rows.push(...p50p95('dht.get.recursive.mutable', recMut, 'ms', {
      bound: 10,
      boundLabel: 'goal',
      note: `per get: ${perGet(queries)} queries sent, ${vPerGet.toFixed(1)} Schnorr verifies x ${us.toFixed(0)} us = ${(vPerGet * us / 1000).toFixed(2)} ms CPU (answers that cannot beat the best seq go unverified); the get waits for the whole walk (no early stop for mutable)`
    }))
    rows.push(row('dht.get.recursive.mutable.verifyEveryAnswer.p50', [percentile(everyAnswer, 50)], 'ms', {
      note: `library default hook, same lookups: ${(everyVerifies / PER_REP).toFixed(1)} verifies per get (one per answering replica + the final check)`
    }))
    rows.push(...p50p95('dht.put.mutable', putMut, 'ms', { note: 'lookup for tokens, then store on every node of the lookup table (each verifies once)' }))

    // CPU per 1,000 mutable gets, recursive and direct, sequential.
    const cpu = async (direct: boolean): Promise<number> => {
      const c0 = process.cpuUsage()
      for (let i = 0; i < CPU_GETS; i++) {
        const it = items[i % items.length]
        const reader = (it.owner + 1 + (i % (NODES - 1))) % NODES
        await getters[reader].getMutable(e[it.owner].keyPair!.publicKey, it.salt, direct ? { endpoint: e[it.owner].endpoint } : {})
      }
      const c = process.cpuUsage(c0)
      return (c.user + c.system) / 1000
    }
    rows.push(row('dht.cpu.per1000.recursiveMutableGets', [await cpu(false)], 'ms', { note: 'process CPU, all 16 nodes included' }))
    rows.push(row('dht.cpu.per1000.directMutableGets', [await cpu(true)], 'ms', { note: 'process CPU, reader + owner' }))
    const storedCopies = e.reduce((a, x) => a + (x.stats.snapshot().gauges.storedValues ?? 0), 0)
    rows.push(row('dht.rss.perNode', [(process.memoryUsage().rss - rss0) / NODES / 1024 / 1024], 'MB', {
      note: `(RSS after the run − before start) / ${NODES}; ${storedCopies} stored copies in the network; idle start-up alone: ${rssIdleMb.toFixed(2)} MB/node (no forced GC)`
    }))
    const failed = e.reduce((a, x) => a + x.stats.gets.failed + x.stats.puts.mutableFailed, 0)
    if (failed > 0) rows.push(row('dht.failures', [failed], 'count', { note: 'gets that returned null or puts that failed: should be 0' }))
  } finally {
    await net.stop()
  }
  return rows
}
