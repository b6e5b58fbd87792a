// ChainStore on real LevelDB in temp dirs: init, reopen, wrong genesis, corruption and reindex,
// atomic batches, messages and staged items.
import { expect } from 'chai'
import { ClassicLevel } from 'classic-level'
import { Chain } from '../../../chain/chain.js'
import { openStore } from '../../../chain/store/open.js'
import { verifyStore } from '../../../chain/store/verify.js'
import { reindexStore } from '../../../chain/store/reindex.js'
import { StagingArea } from '../../../chain/store/staging.js'
import { accountKey, blockKey, heightKey, metaKey, txKey } from '../../../chain/store/keys.js'
import { encodeAccount } from '../../../chain/state/account.js'
import { type ChainErrorCode, isChainError } from '../../../chain/errors.js'
import { toHex } from '../../../chain/hex.js'
import { encodeBlock } from '../../../chain/block.js'
import { encodeTx, txId } from '../../../chain/tx.js'
import { createMessage } from '../../../chain/message.js'
import { MSG_TYPE_TEXT } from '../../../chain/constants.js'
import { genesisState } from '../../../chain/state/replay.js'
import { ChainBuilder, TEST_NOW, type Built, testNet } from '../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

const net = testNet()
type Raw = Array<[string, string]>

async function dump (dir: string): Promise<Raw> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  const out: Raw = []
  for await (const [k, v] of db.iterator()) out.push([toHex(k), toHex(v)])
  await db.close()
  return out
}

async function poke (dir: string, key: Uint8Array, value: Uint8Array | undefined): Promise<void> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  if (value === undefined) await db.del(key)
  else await db.put(key, value)
  await db.close()
}

async function expectCode (p: Promise<unknown>, code: ChainErrorCode): Promise<Error> {
  try { await p } catch (e) {
    expect(isChainError(e, code), `expected ${code}, got ${(e as Error).message}`).to.equal(true)
    return e as Error
  }
  throw new Error(`expected ${code}, but it succeeded`)
}

/** A chain of `n` blocks with 3 transfers each, imported into a store in `dir`. */
async function filled (dir: string, n: number): Promise<{ builder: ChainBuilder, blocks: Built[] }> {
  const builder = new ChainBuilder(net)
  const blocks = builder.extend(builder.root, n, { txs: 3 })
  const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
  for (const b of blocks) expect((await chain.importBlock(b.block, b.txs)).kind).to.equal('extended')
  await chain.close()
  return { builder, blocks }
}

describe('chain store', function () {
  let dir: string
  beforeEach(() => { dir = makeTmpDir('tau-store-') })
  afterEach(() => { removeDir(dir) })

  it('initialises a new directory with the genesis block and state', async () => {
    const store = await openStore(dir, net.genesis)
    expect(toHex(store.tipId)).to.equal(toHex(net.genesis.blockId))
    expect(toHex(store.mainIdAt(0)!)).to.equal(toHex(net.genesis.blockId))
    expect(store.consensusPoint.n).to.equal(0)
    for (const [, { key, account }] of genesisState(net.genesis).accounts) expect(store.getAccount(key)).to.deep.equal(account)
    expect((await verifyStore(store)).ok).to.equal(true)
    await store.close()
  })

  it('reopens to exactly the committed state', async () => {
    const { blocks } = await filled(dir, 12)
    const before = await dump(dir)
    const store = await openStore(dir, net.genesis)
    expect(toHex(store.tipId)).to.equal(toHex(blocks[11].id))
    for (const b of blocks) expect(toHex(store.mainIdAt(b.block.n)!)).to.equal(toHex(b.id))
    for (const [, { key, account }] of blocks[11].state.accounts) expect(store.getAccount(key)).to.deep.equal(account)
    const report = await verifyStore(store)
    expect(report.problems).to.deep.equal([])
    expect(report).to.include({ ok: true, height: 12, blocks: 13, txs: 36 })
    await store.close()
    expect(await dump(dir)).to.deep.equal(before) // opening and reading wrote nothing
  })

  it('refuses a directory that belongs to another genesis', async () => {
    await (await openStore(dir, net.genesis)).close()
    const other = testNet({ mutableRange: 5 }).genesis
    const e = await expectCode(openStore(dir, other), 'STORE_WRONG_GENESIS')
    expect(e.message).to.contain('chaintest').and.contain(toHex(net.genesis.hash)).and.contain(toHex(other.hash))
  })

  for (const [what, key] of [
    ['an account record', (b: Built[]) => accountKey(net.keys[0].publicKey)],
    ['the tip block', (b: Built[]) => blockKey(b[7].id)],
    ['a height entry', (b: Built[]) => heightKey(5)],
    ['the tip record', (_: Built[]) => metaKey('tip')]
  ] as const) {
    it(`detects ${what} cut short at open, and reindex repairs it`, async () => {
      const { blocks } = await filled(dir, 8)
      const good = await dump(dir)
      const k = key(blocks)
      const value = good.find(([kk]) => kk === toHex(k))![1]
      await poke(dir, k, Buffer.from(value, 'hex').subarray(0, 7))
      const e = await expectCode(openStore(dir, net.genesis), 'STORE_CORRUPT')
      expect(e.message).to.contain('--reindex')
      const store = await openStore(dir, net.genesis, { reindex: true })
      const report = await verifyStore(store)
      expect(report.problems).to.deep.equal([])
      // A garbled block is dropped (it can be fetched again) and the chain ends below it.
      const expectTip = what === 'the tip block' ? blocks[6] : blocks[7]
      expect(toHex(store.tipId)).to.equal(toHex(expectTip.id))
      for (const [, { key: ak, account }] of expectTip.state.accounts) expect(store.getAccount(ak)).to.deep.equal(account)
      await store.close()
    })
  }

  it('reindex rebuilds a chain that lost a transaction up to the block before it', async () => {
    const { blocks } = await filled(dir, 6)
    await poke(dir, txKey(blocks[3].block.x[1]), new Uint8Array([0x64, 0x65]))
    await expectCode(openStore(dir, net.genesis), 'STORE_CORRUPT')
    const store = await openStore(dir, net.genesis, { reindex: true })
    expect(toHex(store.tipId)).to.equal(toHex(blocks[2].id))
    expect((await verifyStore(store)).ok).to.equal(true)
    await store.close()
  })

  it('reindex drops a stored block that does not apply, and the blocks above it', async () => {
    const { builder, blocks } = await filled(dir, 3)
    const bad = builder.badChild(blocks[2])
    const above = builder.child(bad)
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
    for (const x of [bad, above]) {
      await db.put(blockKey(x.id), encodeBlock(x.block))
      for (const tx of x.txs) await db.put(txKey(txId(tx)), encodeTx(tx))
    }
    await db.put(metaKey('tip'), above.id) // as if a bad chain had been committed
    await db.close()
    const store = await openStore(dir, net.genesis, { reindex: true })
    expect(toHex(store.tipId)).to.equal(toHex(blocks[2].id))
    expect(store.hasBlock(bad.id)).to.equal(false)
    expect(store.hasBlock(above.id)).to.equal(false)
    expect((await verifyStore(store)).ok).to.equal(true)
    await store.close()
  })

  it('a wrong but decodable account value is refused at open (state digest) and found by verify()', async () => {
    await filled(dir, 4)
    await poke(dir, accountKey(net.keys[1].publicKey), encodeAccount({ balance: 5, nonce: 0, power: 1 }))
    const e = await expectCode(openStore(dir, net.genesis), 'STORE_CORRUPT')
    expect(e.message).to.contain('state digest').and.contain('--reindex')
    const store = await openStore(dir, net.genesis, { check: 'none' })
    const report = await verifyStore(store)
    expect(report.ok).to.equal(false)
    expect(report.problems.join('\n')).to.contain('differs from the replay')
    await reindexStore(store)
    expect((await verifyStore(store)).ok).to.equal(true)
    await store.close()
  })

  it('a failed batch leaves nothing half-applied, in memory or on disk', async () => {
    const builder = new ChainBuilder(net)
    const [b1, b2] = builder.extend(builder.root, 2, { txs: 4 })
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    await chain.importBlock(b1.block, b1.txs)
    const before = chain.state.getAccount(net.keys[0].publicKey)
    // LevelDB runs prewrite hooks op by op: fail on the tip record, after the block, txs and accounts.
    const tipKey = toHex(metaKey('tip'))
    const hook = (op: { key: Uint8Array }): void => { if (toHex(op.key) === tipKey) throw new Error('disk full (simulated)') }
    chain.store.db.hooks.prewrite.add(hook)
    await chain.importBlock(b2.block, b2.txs).then(() => { throw new Error('should fail') }, () => {})
    chain.store.db.hooks.prewrite.delete(hook)
    expect(toHex(chain.tip().id)).to.equal(toHex(b1.id))
    expect(chain.hasBlock(b2.id)).to.equal(false)
    expect(chain.state.getAccount(net.keys[0].publicKey)).to.deep.equal(before)
    await chain.close()
    const store = await openStore(dir, net.genesis)
    expect(store.raw(blockKey(b2.id))).to.equal(undefined)
    expect(store.raw(txKey(b2.block.x[0]))).to.equal(undefined)
    expect((await verifyStore(store)).ok).to.equal(true)
    await store.close()
    const again = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    expect((await again.importBlock(b2.block, b2.txs)).kind).to.equal('extended') // and the retry works
    await again.close()
  })

  it('stores messages and a bounded set of staged items that survive a reopen', async () => {
    const store = await openStore(dir, net.genesis)
    const k = net.keys[0]
    const msg = createMessage(k.secretKey, { chainId: net.genesis.chainId, from: k.publicKey, timestamp: 1, type: MSG_TYPE_TEXT, body: new Uint8Array([1, 2]) })
    const id = await store.messages.put(msg)
    expect(store.messages.get(id)?.b).to.deep.equal(new Uint8Array([1, 2]))
    const ids = [1, 2, 3, 4].map(i => new Uint8Array(32).fill(i))
    for (const i of ids.slice(0, 3)) await store.staging.stage('block', i, new Uint8Array([9]))
    expect(store.staging.size).to.equal(3)
    await store.staging.unstage('block', ids[0])
    expect(store.staging.get('block', ids[0])).to.equal(undefined)
    expect(store.staging.get('block', ids[1])).to.deep.equal(new Uint8Array([9]))
    const small = new StagingArea(store.db, 2)
    await small.load()
    await expectCode(small.stage('tx', ids[3], new Uint8Array([1])), 'STORE_STAGED_FULL')
    await store.close()
    const again = await openStore(dir, net.genesis)
    expect(again.staging.size).to.equal(2)
    expect((await again.staging.list('block')).map(s => s.id[0])).to.deep.equal([2, 3])
    expect(again.messages.has(id)).to.equal(true)
    await again.close()
  })

  it('serves the canonical bytes of stored blocks and transactions, cached or not', async () => {
    const builder = new ChainBuilder(net)
    const [x1] = builder.extend(builder.root, 1, { txs: 2 })
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    await chain.importBlock(x1.block, x1.txs)
    const expectServed = (c: Chain): void => {
      expect(toHex(c.store.itemBytes(x1.id)!)).to.equal(toHex(encodeBlock(x1.block)))
      for (const tx of x1.txs) expect(toHex(c.store.itemBytes(txId(tx))!)).to.equal(toHex(encodeTx(tx)))
      expect(c.store.itemBytes(new Uint8Array(32).fill(7))).to.equal(undefined)
    }
    expectServed(chain)
    await chain.close()
    const again = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    expectServed(again) // from LevelDB, nothing decoded
    await again.close()
  })

  it('importing a staged block and its transactions unstages them in the same batch', async () => {
    const builder = new ChainBuilder(net)
    const [x1] = builder.extend(builder.root, 1, { txs: 2 })
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    await chain.store.staging.stage('block', x1.id, encodeBlock(x1.block))
    for (const tx of x1.txs) await chain.store.staging.stage('tx', txId(tx), encodeTx(tx))
    await chain.store.staging.stage('tx', new Uint8Array(32).fill(5), new Uint8Array([1]))
    expect(chain.store.staging.size).to.equal(4)
    await chain.importBlock(x1.block, x1.txs)
    expect(chain.store.staging.size).to.equal(1)
    expect(chain.store.staging.get('block', x1.id)).to.equal(undefined)
    await chain.close()
  })
})
