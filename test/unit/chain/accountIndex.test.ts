// The account index ('X' keys) against a real LevelDB: it always equals what a walk of the main
// chain gives (after extensions, a reorg, the migration of a store without it, and a reindex),
// and pages of it, cursor after cursor, list an account's whole history newest first.
import { expect } from 'chai'
import { ClassicLevel } from 'classic-level'
import { Chain } from '../../../chain/chain.js'
import { toHex } from '../../../chain/hex.js'
import { txId } from '../../../chain/tx.js'
import { accountTxKey, accountTxPage, hasAccountIndex } from '../../../chain/store/accountIndex.js'
import { P_ACCOUNT_TX, metaKey, prefixRange } from '../../../chain/store/keys.js'
import { scanPrefix } from '../../../chain/store/scan.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

const net = testNet({ mutableRange: 3 })

/** Every index entry the main chain implies, as "key hex → tx id hex". */
function expectedIndex (chain: Chain): Map<string, string> {
  const out = new Map<string, string>()
  for (let n = 1; n <= chain.tip().n; n++) {
    const b = chain.store.mainBlockAt(n)!
    chain.store.blockTxs(b).forEach((tx, i) => {
      out.set(toHex(accountTxKey(tx.f, n, i)), toHex(b.x[i]))
      if (tx.o !== undefined) out.set(toHex(accountTxKey(tx.o, n, i)), toHex(b.x[i]))
    })
  }
  return out
}

async function storedIndex (chain: Chain): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for await (const [k, v] of scanPrefix(chain.store.db, P_ACCOUNT_TX)) out.set(toHex(k), toHex(v))
  return out
}

/** An account's history read page by page through the cursor, as the API does. */
async function pagedHistory (chain: Chain, key: Uint8Array, limit: number): Promise<string[]> {
  const ids: string[] = []
  let before: { n: number, pos: number } | undefined
  for (let i = 0; i < 1000; i++) {
    const page = await accountTxPage(chain.store.db, key, before, limit)
    ids.push(...page.map(e => toHex(e.txId)))
    if (page.length < limit) return ids
    before = page[page.length - 1]
  }
  throw new Error('paging did not end')
}

describe('chain/store account index', function () {
  this.timeout(60_000)
  let dir: string
  let chain: Chain | undefined

  beforeEach(() => { dir = makeTmpDir('tau-acctidx-') })
  afterEach(async () => { await chain?.close(); chain = undefined; removeDir(dir) })

  it('lists every main-chain transaction of an account, newest first, across pages', async () => {
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    const b = new ChainBuilder(net)
    const blocks = b.extend(b.root, 30, { txs: 4 })
    expect((await chain.importBranch(blocks.map(x => x.block), b.txMap(blocks))).kind).to.equal('extended')
    expect(await storedIndex(chain)).to.deep.equal(expectedIndex(chain))
    for (const k of net.keys) {
      const want = blocks.flatMap(x => x.txs.map(t => ({ t, id: toHex(txId(t)) })))
        .filter(({ t }) => toHex(t.f) === toHex(k.publicKey) || (t.o !== undefined && toHex(t.o) === toHex(k.publicKey)))
        .map(x => x.id).reverse()
      expect(await pagedHistory(chain, k.publicKey, 7)).to.deep.equal(want)
    }
    expect(hasAccountIndex(chain.store.db)).to.equal(true)
  })

  it('follows a reorg: the old branch\'s entries go, the new branch\'s come, in the same commit', async () => {
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    const b = new ChainBuilder(net)
    const main = b.extend(b.root, 5, { txs: 3 })
    expect((await chain.importBranch(main.map(x => x.block), b.txMap(main))).kind).to.equal('extended')
    const fork = b.extend(main[1], 5, { txs: 1, miner: 1 })
    expect((await chain.importBranch(fork.map(x => x.block), b.txMap(fork))).kind).to.equal('reorged')
    const index = await storedIndex(chain)
    expect(index).to.deep.equal(expectedIndex(chain))
    const gone = main.slice(2).flatMap(x => x.txs.map(t => toHex(txId(t))))
    const kept = new Set(fork.flatMap(x => x.txs.map(t => toHex(txId(t)))))
    const indexed = new Set(index.values())
    for (const id of gone) expect(indexed.has(id) && !kept.has(id), id).to.equal(false)
  })

  it('a store without the index (an older layout) gets it built at open; --reindex rebuilds it', async () => {
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    const b = new ChainBuilder(net)
    const blocks = b.extend(b.root, 20, { txs: 3 })
    await chain.importBranch(blocks.map(x => x.block), b.txMap(blocks))
    const want = expectedIndex(chain)
    await chain.close(); chain = undefined
    // What a store written before the index looks like: no 'X' keys, no mark.
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
    await db.clear(prefixRange(P_ACCOUNT_TX))
    await db.del(metaKey('accountIndex'))
    await db.close()
    const told: string[] = []
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW, store: { onMigrate: what => told.push(what) } })
    expect(told).to.deep.equal(['account index built'])
    expect(await storedIndex(chain)).to.deep.equal(want)
    await chain.close(); chain = undefined
    // A damaged index (one entry lost, one stray) is made whole again by a reindex.
    const db2 = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
    await db2.del(Buffer.from([...want.keys()][0], 'hex'))
    await db2.put(accountTxKey(new Uint8Array(32), 3, 0), new Uint8Array(32))
    await db2.close()
    chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW, store: { reindex: true } })
    expect(await storedIndex(chain)).to.deep.equal(want)
  })
})
