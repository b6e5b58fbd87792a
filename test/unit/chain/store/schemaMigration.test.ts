// Schema migration at open: a store written by layout 1 (no 'L' tx → block index; everything else
// as layout 2 writes it) is copied to `<dir>.schema-1-backup` and then migrated in place; the copy
// is the untouched layout-1 store; inspection opens refuse it, and a newer layout is refused unchanged.
import { expect } from 'chai'
import { existsSync } from 'node:fs'
import { ClassicLevel } from 'classic-level'
import { Chain } from '../../../../chain/chain.js'
import { isChainError } from '../../../../chain/errors.js'
import { toHex } from '../../../../chain/hex.js'
import { txId } from '../../../../chain/tx.js'
import { openStore } from '../../../../chain/store/open.js'
import { verifyStore } from '../../../../chain/store/verify.js'
import { STORE_SCHEMA_VERSION } from '../../../../chain/store/constants.js'
import { P_TXLOC, metaKey, prefixRange } from '../../../../chain/store/keys.js'
import { decodeU32, encodeU32 } from '../../../../chain/store/records.js'
import { schemaBackupDir } from '../../../../chain/store/migrate.js'
import { ChainBuilder, TEST_NOW, testNet } from '../../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'

type Raw = ClassicLevel<Uint8Array, Uint8Array>
const raw = (dir: string): Raw => new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
async function withRaw<T> (dir: string, f: (db: Raw) => Promise<T>): Promise<T> {
  const db = raw(dir)
  await db.open()
  try { return await f(db) } finally { await db.close() }
}
const txLocKeys = async (db: Raw): Promise<string[]> => (await db.keys(prefixRange(P_TXLOC)).all()).map(k => toHex(k))
const schemaOf = async (db: Raw): Promise<number> => decodeU32((await db.get(metaKey('schema'))) as Uint8Array)

async function expectRefused (p: Promise<unknown>, text: string): Promise<void> {
  let err: unknown
  try { await p } catch (e) { err = e }
  expect(isChainError(err, 'STORE_SCHEMA_MISMATCH'), String(err)).to.equal(true)
  expect((err as Error).message).to.contain(text)
}

describe('chain/store schema migration', function () {
  this.timeout(60_000)
  let dir = ''
  beforeEach(() => { dir = makeTmpDir() })
  afterEach(() => { removeDir(dir); removeDir(schemaBackupDir(dir, 1)) })

  it('migrates a layout-1 store in place after copying it, and the copy is the old store', async () => {
    const net = testNet({ mutableRange: 6 })
    const b = new ChainBuilder(net)
    // A main chain with transactions, and a side block with its own: both get 'L' keys.
    const a1 = b.child(b.root, { txs: 2 })
    const a2 = b.child(a1, { txs: 2 })
    const side = b.child(a1, { txs: 1, miner: 3 })
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    await chain.importBranch([a1.block, a2.block], b.txMap([a1, a2]))
    await chain.importBranch([side.block], b.txMap([side]))
    expect(chain.hasBlock(side.id)).to.equal(true)
    await chain.close()

    // What layout 1 wrote: the same records without the 'L' index, and schema 1.
    const full = await withRaw(dir, async db => {
      const keys = await txLocKeys(db)
      await db.batch([...keys.map(k => ({ type: 'del' as const, key: Buffer.from(k, 'hex') })), { type: 'put', key: metaKey('schema'), value: encodeU32(1) }], { sync: true })
      return keys
    })
    expect(full).to.have.length(5)
    await withRaw(dir, async db => { expect(await txLocKeys(db)).to.deep.equal([]) })

    // Inspection (tau-node check) writes nothing: it refuses and says how to migrate.
    await expectRefused(openStore(dir, net.genesis, { check: 'none', inspect: true }), 'start the node on it once')

    const migrated = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    try {
      expect(migrated.store.openNotes.join('\n')).to.contain('migrated from layout 1 to 2').and.contain('.schema-1-backup')
      const loc = await migrated.store.txLocation(txId(a2.txs[1]))
      expect(toHex(loc?.id ?? new Uint8Array())).to.equal(toHex(a2.id))
      const v = await verifyStore(migrated.store)
      expect(v.ok, v.problems.join('; ')).to.equal(true)
    } finally {
      await migrated.close()
    }
    await withRaw(dir, async db => {
      expect(await schemaOf(db)).to.equal(STORE_SCHEMA_VERSION)
      expect((await txLocKeys(db)).sort()).to.deep.equal([...full].sort())
    })
    // The copy made first is the layout-1 store, whole: an older node opens it as it was.
    const backup = schemaBackupDir(dir, 1)
    expect(existsSync(backup)).to.equal(true)
    await withRaw(backup, async db => {
      expect(await schemaOf(db)).to.equal(1)
      expect(await txLocKeys(db)).to.deep.equal([])
      expect(toHex((await db.get(metaKey('tip'))) as Uint8Array)).to.equal(toHex(a2.id))
    })
  })

  it('refuses a store of a newer layout, and leaves it as it was', async () => {
    const net = testNet()
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    await chain.close()
    await withRaw(dir, async db => { await db.put(metaKey('schema'), encodeU32(STORE_SCHEMA_VERSION + 1)) })
    await expectRefused(Chain.open(dir, net.genesis, { now: () => TEST_NOW }), 'written by a newer node')
    await withRaw(dir, async db => { expect(await schemaOf(db)).to.equal(STORE_SCHEMA_VERSION + 1) })
    expect(existsSync(schemaBackupDir(dir, STORE_SCHEMA_VERSION + 1))).to.equal(false)
  })
})
