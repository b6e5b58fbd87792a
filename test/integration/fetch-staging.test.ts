// node/fetch.ts: what the fetcher stages. A sync walk's own fetches (stage: false) are not written
// to the staging area (the walk holds them until their import); every other fetch still is, and a
// staged copy is still read. Two real DHT engines on 127.0.0.1 (the server answers direct gets from
// a map of canonical bytes, as a node answers from its store) and a real chain store in a temp dir.
import { expect } from 'chai'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { blockId, encodeBlock } from '../../chain/block.js'
import { Chain } from '../../chain/chain.js'
import { toHex } from '../../chain/hex.js'
import { encodeTx, txId } from '../../chain/tx.js'
import { DhtEngine, Getter } from '../../dht/index.js'
import { DemandSet } from '../../node/demand.js'
import { Fetcher } from '../../node/fetch.js'
import { createLogger } from '../../node/logger.js'
import { PeerSet } from '../../node/peers.js'
import { SignalRouter } from '../../node/router.js'
import { ChainBuilder, testNet } from '../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

describe('fetcher staging (real DHT nodes)', function () {
  this.timeout(30_000)
  const net = testNet()
  const built = new ChainBuilder(net).extend(new ChainBuilder(net).root, 4, { txs: 2 })
  const dir = makeTmpDir()
  const served = new Map<string, Uint8Array>()
  const server = new DhtEngine({ port: 0 })
  let client: DhtEngine
  let chain: Chain
  let fetcher: Fetcher
  let router: SignalRouter
  const ac = new AbortController()
  const peerKey = new Uint8Array(32).fill(5)

  before(async () => {
    for (const b of built) {
      served.set(toHex(b.id), encodeBlock(b.block))
      for (const t of b.txs) served.set(toHex(txId(t)), encodeTx(t))
    }
    const ep = await server.start()
    server.setLookup(target => served.get(toHex(target)))
    client = new DhtEngine({ port: 0, bootstrap: [ep] })
    await client.start()
    chain = await Chain.open(join(dir, 'chain'), net.genesis)
    const peers = new PeerSet(new Uint8Array(32).fill(1))
    peers.add(peerKey, 'config')
    peers.seen(peerKey, { endpoint: ep })
    router = new SignalRouter()
    fetcher = new Fetcher({ chain, getter: new Getter(client), peers, demand: new DemandSet(), router, log: createLogger('error', 'json', new PassThrough().resume()), signal: ac.signal })
  })

  after(async () => {
    ac.abort()
    router.close()
    await chain.close()
    await client.stop()
    await server.stop()
    removeDir(dir)
  })

  it('a sync walk\'s fetches are not staged; other fetches are, and a staged copy is read back', async () => {
    const [walkTx, otherTx] = built[0].txs
    const [walkBlock, otherBlock] = [built[1], built[2]]
    const got = await Promise.all([
      fetcher.tx(txId(walkTx), 'GET_HISTORY_TX_FOR_SYNC', peerKey, true, false),
      fetcher.tx(txId(otherTx), 'GET_HISTORY_BLOCK_TX_FOR_MINING', peerKey),
      fetcher.block(walkBlock.id, 'GET_HISTORY_BLOCK_FOR_SYNC', peerKey, false),
      fetcher.block(otherBlock.id, 'GET_HISTORY_BLOCK_FOR_VOTING', peerKey)
    ])
    expect(got.map(x => x === null ? null : toHex(x.s))).to.deep.equal([walkTx.s, otherTx.s, walkBlock.block.s, otherBlock.block.s].map(toHex))
    // Staged writes go in one batch on the next turn: wait for the ones that should land.
    await waitFor(() => chain.staging.has('tx', txId(otherTx)) && chain.staging.has('block', otherBlock.id), { timeoutMs: 5000, what: 'the staged items' })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(chain.staging.has('tx', txId(walkTx))).to.equal(false)
    expect(chain.staging.has('block', walkBlock.id)).to.equal(false)
    expect(chain.staging.size).to.equal(2)
    // A staged item is answered from the staging area, without the network, whoever fetches it.
    served.clear()
    const again = await fetcher.block(otherBlock.id, 'GET_HISTORY_BLOCK_FOR_SYNC', peerKey, false)
    expect(again === null ? null : toHex(blockId(again))).to.equal(toHex(otherBlock.id))
  })
})
