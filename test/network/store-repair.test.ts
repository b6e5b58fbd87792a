// The repair against a healthy peer (real processes, UDP DHT and LevelDB on 127.0.0.1): a miner's
// store loses its main block at height 3 and an account record while it is stopped; the open refuses
// it with the repair named, the reindex keeps the readable blocks above the hole (staged), and the
// restarted node fetches the lost block from its peer and ends on a chain equal to the peer's.
import { expect } from 'chai'
import { join } from 'node:path'
import { convergeTimeoutMs, blocksTimeoutMs, healthyTimeoutMs } from '../../scripts/testnet/constants.js'
import { Testnet } from '../../scripts/testnet/network.js'
import { toHex } from '../../chain/hex.js'
import { isChainError } from '../../chain/errors.js'
import { openStore } from '../../chain/store/open.js'
import { verifyStore } from '../../chain/store/verify.js'
import { accountKey, blockKey, heightKey } from '../../chain/store/keys.js'
import { peek, poke } from '../helpers/storeDamage.js'
import { waitFor } from '../helpers/wait.js'

const T = 10

/** The main-chain block id at height n on a node's API, or undefined. */
async function idAt (port: number, n: number): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/block-height/${n}`, { signal: AbortSignal.timeout(5000) })
  if (res.status !== 200) return undefined
  return ((await res.json()) as { id: string }).id
}

describe('store repair against a healthy peer (real processes)', function () {
  this.timeout(10 * 60_000)
  let net: Testnet

  before(async () => {
    net = await Testnet.create({ nodes: 2, blockTime: T, mutableRange: 6, seed: 'tau-node-store-repair' })
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T) })
  })

  after(async () => {
    if (net === undefined) return
    await net.stop()
    net.removeDir()
  })

  it('a node whose block at height 3 and an account were lost is refused, repaired, and syncs back to the peer\'s chain', async () => {
    const c = await net.waitConverged({ minHeight: 7, timeoutMs: blocksTimeoutMs(7, T) })
    expect((await net.stopNode(1)).code).to.equal(0)
    const dir = join(net.nodeAt(1).dataDir, 'chain')
    const id3 = (await peek(dir, heightKey(3)))!
    await poke(dir, blockKey(id3), undefined)
    await poke(dir, accountKey(net.nodeAt(0).key.publicKey), undefined)

    let refused: unknown
    try { await (await openStore(dir, net.genesis)).close() } catch (e) { refused = e }
    expect(isChainError(refused, 'STORE_CORRUPT'), String(refused)).to.equal(true)
    expect((refused as Error).message).to.contain('tau-node start --reindex')

    // What `tau-node start --reindex` does before the node starts (the flag is covered in test/integration).
    const repaired = await openStore(dir, net.genesis, { reindex: true })
    expect(repaired.tip.n).to.equal(2)
    const staged = repaired.staging.size
    expect(staged).to.be.at.least(c.height - 3)
    await repaired.close()

    net.startNode(1)
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T), indices: [1] })
    const after = await net.waitConverged({ minHeight: c.height + 1, timeoutMs: convergeTimeoutMs(T) + blocksTimeoutMs(2, T), what: 'the repaired node on the peer\'s tip' })
    expect(after.height).to.be.above(c.height)
    // The same main chain below the converged tip, block by block, and the same balances at it.
    const [a, b] = [net.nodeAt(0).ports.api, net.nodeAt(1).ports.api]
    await waitFor(async () => {
      for (let n = 0; n <= after.height - 6; n++) {
        const [x, y] = await Promise.all([idAt(a, n), idAt(b, n)])
        if (x === undefined || x !== y) return false
      }
      return true
    }, { timeoutMs: 60_000, what: 'equal main chains', describe: async () => await net.describe() })
    expect(await idAt(b, 3)).to.equal(toHex(id3))
    // Stopped again, its store passes the full check: state = replay = digest.
    expect((await net.stopNode(1)).code).to.equal(0)
    const store = await openStore(dir, net.genesis)
    const report = await verifyStore(store)
    await store.close()
    expect(report.problems).to.deep.equal([])
  })
})
