// Store integrity on real LevelDB data dirs damaged as a failing disk or an attacker would: bytes
// flipped in a table, account and block records deleted or altered, the log torn. Each case ends
// in a coded refusal naming the repair, and the repair (plus the blocks a peer would serve again)
// gives a store equal to a healthy copy's.
import { expect } from 'chai'
import { Chain } from '../../../../chain/chain.js'
import { openStore } from '../../../../chain/store/open.js'
import { verifyStore } from '../../../../chain/store/verify.js'
import { type ChainErrorCode, isChainError } from '../../../../chain/errors.js'
import { toHex } from '../../../../chain/hex.js'
import { txId } from '../../../../chain/tx.js'
import { encodeBlock } from '../../../../chain/block.js'
import { encodeAccount } from '../../../../chain/state/account.js'
import { P_ACCOUNT, P_HEIGHT, accountKey, blockKey, metaKey } from '../../../../chain/store/keys.js'
import { scanStateDigest } from '../../../../chain/store/checkState.js'
import { salvageLevelDir } from '../../../../chain/store/levelRepair.js'
import { ChainBuilder, TEST_NOW, type Built, testNet } from '../../../helpers/chainBuilder.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'
import {
  copyDir, countRecords, dumpRecords, flipUntilLevelCorruption, peek, poke, tearLog
} from '../../../helpers/storeDamage.js'

const net = testNet()

async function expectCode (p: Promise<unknown>, code: ChainErrorCode): Promise<Error & { data?: Record<string, unknown> }> {
  try { await p } catch (e) {
    expect(isChainError(e, code), `expected ${code}, got ${(e as Error).message}`).to.equal(true)
    return e as Error
  }
  throw new Error(`expected ${code}, but it succeeded`)
}

async function importAll (dir: string, blocks: Built[]): Promise<void> {
  const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
  try {
    for (const b of blocks) expect((await chain.importBlock(b.block, b.txs)).kind).to.be.oneOf(['extended', 'reorged', 'side'])
  } finally { await chain.close() }
}

/** What a peer would serve again: every block of `blocks` the repaired store lacks, imported. */
async function refetch (dir: string, blocks: Built[]): Promise<number> {
  const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
  let n = 0
  try {
    for (const b of blocks) {
      if (chain.hasBlock(b.id)) continue
      n++
      expect((await chain.importBlock(b.block, b.txs)).kind).to.be.oneOf(['extended', 'reorged'])
    }
  } finally { await chain.close() }
  return n
}

/** The derived records (height index, state, digest) of two stores are the same. */
async function expectSameChain (dir: string, healthy: string): Promise<void> {
  expect(await dumpRecords(dir, [P_HEIGHT, P_ACCOUNT])).to.deep.equal(await dumpRecords(healthy, [P_HEIGHT, P_ACCOUNT]))
  expect(toHex((await peek(dir, metaKey('digest')))!)).to.equal(toHex((await peek(healthy, metaKey('digest')))!))
  expect(toHex((await peek(dir, metaKey('tip')))!)).to.equal(toHex((await peek(healthy, metaKey('tip')))!))
}

describe('store integrity (damaged data dirs)', function () {
  this.timeout(120_000)
  const builder = new ChainBuilder(net)
  /** Above OPEN_CHECK_RECENT_BLOCKS (64), so low heights are outside the recent-block check. */
  const HEIGHT = 90
  const blocks = builder.extend(builder.root, HEIGHT, { txs: 3 })
  let root: string
  let dir: string
  let healthy: string
  beforeEach(async () => {
    root = makeTmpDir('tau-integrity-')
    dir = `${root}/chain`
    healthy = `${root}/healthy`
    await importAll(dir, blocks)
    copyDir(dir, healthy)
  })
  afterEach(() => { removeDir(root) })

  it('keeps the state digest equal to the stored accounts through extensions and reorgs', async () => {
    const fork = builder.extend(blocks[HEIGHT - 3], 4, { txs: 2, speed: 'fast' })
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    const r = await chain.importBranch(fork.map(b => b.block), new Map(fork.flatMap(b => b.txs.map(t => [toHex(txId(t)), t]))))
    expect(r.kind).to.equal('reorged')
    const scan = await scanStateDigest(chain.store)
    expect(scan.digest.equals(chain.store.digest)).to.equal(true)
    expect(scan.accounts).to.equal(fork[3].state.accounts.size)
    await chain.close()
    await (await openStore(dir, net.genesis)).close() // the open check agrees
  })

  for (const [what, damage] of [
    ['a deleted account record (the miner\'s)', async () => { await poke(dir, accountKey(net.keys[0].publicKey), undefined) }],
    ['an account balance raised by 12,345', async () => {
      const a = blocks[HEIGHT - 1].state.getAccount(net.keys[1].publicKey)!
      await poke(dir, accountKey(net.keys[1].publicKey), encodeAccount({ ...a, balance: a.balance + 12_345 }))
    }],
    ['an added account record', async () => { await poke(dir, accountKey(new Uint8Array(32).fill(7)), encodeAccount({ balance: 1, nonce: 0, power: 0 })) }]
  ] as const) {
    it(`refuses ${what} at open (state digest), and --reindex restores the healthy state`, async () => {
      await damage()
      const e = await expectCode(openStore(dir, net.genesis), 'STORE_CORRUPT')
      expect(e.message).to.contain('state digest').and.contain('tau-node start --reindex')
      await (await openStore(dir, net.genesis, { reindex: true })).close()
      await expectSameChain(dir, healthy)
    })
  }

  it('refuses a block deleted at height 3 (far below the 64 newest), and the repair keeps the readable blocks above it', async () => {
    await poke(dir, blockKey(blocks[2].id), undefined)
    const e = await expectCode(openStore(dir, net.genesis), 'STORE_CORRUPT')
    expect(e.message).to.contain('height 3').and.contain('--reindex')
    // Read without the open check, as a running node would meet it: never an "unknown block".
    const unchecked = await openStore(dir, net.genesis, { check: 'none' })
    await expectCode(Promise.resolve().then(() => unchecked.getBlock(blocks[2].id)), 'STORE_CORRUPT')
    await expectCode(Promise.resolve().then(() => unchecked.mainBlockAt(3)), 'STORE_CORRUPT')
    await unchecked.close()
    const repaired = await openStore(dir, net.genesis, { reindex: true })
    expect(repaired.tip.n).to.equal(2)
    expect(repaired.staging.size).to.equal(HEIGHT - 3) // heights 4..HEIGHT: staged, not deleted
    expect(repaired.openNotes.join('\n')).to.contain(`moved ${HEIGHT - 3} readable blocks`)
    expect((await verifyStore(repaired)).problems).to.deep.equal([])
    await repaired.close()
    expect(await refetch(dir, blocks)).to.equal(HEIGHT - 2)
    await expectSameChain(dir, healthy)
  })

  /** Flips a table byte LevelDB reports; answers the open's error. */
  async function flipLevel (): Promise<Error> {
    let err: Error | undefined
    await flipUntilLevelCorruption(dir, `${root}/compacted`, async () => {
      err = await openStore(dir, net.genesis).then(async s => { await s.close(); return undefined }, (x: unknown) => x as Error)
      return isChainError(err, 'STORE_CORRUPT') && err.data?.level === 'LEVEL_CORRUPTION'
    })
    return err!
  }

  it('maps LevelDB\'s own corruption report (a flipped byte in a table) to STORE_CORRUPT, and --reindex repairs from the readable blocks', async () => {
    const before = await countRecords(dir)
    const levelErr = await flipLevel()
    expect(levelErr.message).to.contain('LevelDB found damaged data files').and.contain('tau-node start --reindex')
    const repaired = await openStore(dir, net.genesis, { reindex: true })
    expect(repaired.openNotes[0]).to.contain('rebuilt the tables from')
    expect((await verifyStore(repaired)).problems).to.deep.equal([])
    await repaired.close()
    expect(await countRecords(dir)).to.be.below(before + HEIGHT) // staged copies aside, nothing was invented
    await refetch(dir, blocks)
    await expectSameChain(dir, healthy)
  })

  it('the salvage (when LevelDB\'s repair fails) copies every readable record past the damaged range', async () => {
    const before = await countRecords(dir)
    await flipLevel()
    const out = `${root}/salvaged`
    const s = await salvageLevelDir(dir, out)
    expect(s.skipped).to.be.at.least(1)
    expect(s.records).to.be.above(before / 2).and.below(before)
    expect(await countRecords(out)).to.equal(s.records) // the copy reads start to end without LevelDB errors
    // What it copied is the healthy store's records, but for garbage LevelDB read out of the one
    // damaged block before it noticed (a 4 KiB block holds < 100 records; reindex drops garbage).
    const good = new Map(await dumpRecords(healthy))
    const copied = await dumpRecords(out)
    const differ = copied.filter(([k, v]) => good.get(k) !== v).length
    expect(differ).to.be.below(100)
    expect(copied.length - differ).to.be.above(before / 2)
  })

  it('says at open how many committed blocks a torn log lost', async () => {
    // The newest blocks live only in the log until LevelDB compacts it.
    const more = builder.extend(blocks[HEIGHT - 1], 20, { txs: 3 })
    await importAll(dir, more)
    const torn = tearLog(dir, 0.5)
    expect(torn.to).to.be.below(torn.from)
    const store = await openStore(dir, net.genesis)
    expect(store.lostBlocks?.recordedHeight).to.equal(HEIGHT + 20)
    expect(store.lostBlocks!.lost).to.equal(HEIGHT + 20 - store.tip.n).and.be.above(0)
    expect(store.openNotes.join('\n')).to.contain(`lost ${store.lostBlocks!.lost} committed blocks`)
    await store.close()
    const again = await openStore(dir, net.genesis) // said once: the mark now names the stored tip
    expect(again.lostBlocks).to.equal(undefined)
    await again.close()
    expect(await refetch(dir, [...blocks, ...more])).to.be.above(0)
    const chain = await Chain.open(dir, net.genesis, { now: () => TEST_NOW })
    expect(toHex(chain.tip().id)).to.equal(toHex(more[19].id))
    await chain.close()
  })

  it('--reindex restores lost genesis and schema records and a lost genesis block (the chain is known by its genesis)', async () => {
    await poke(dir, metaKey('genesis'), undefined)
    await poke(dir, metaKey('schema'), undefined)
    await poke(dir, blockKey(net.genesis.blockId), undefined)
    await expectCode(openStore(dir, net.genesis), 'STORE_CORRUPT')
    await poke(dir, blockKey(net.genesis.blockId), encodeBlock(net.genesis.block)) // identity: the genesis block is there
    const repaired = await openStore(dir, net.genesis, { reindex: true })
    expect(repaired.openNotes.join('\n')).to.contain('genesis and schema records were missing')
    await repaired.close()
    await expectSameChain(dir, healthy)
    await poke(dir, blockKey(net.genesis.blockId), undefined)
    const again = await openStore(dir, net.genesis, { reindex: true })
    expect(again.openNotes.join('\n')).to.contain('genesis block record was missing')
    await again.close()
    await expectSameChain(dir, healthy)
  })

  it('computes a missing digest at open (a store written before digests) and says so', async () => {
    await poke(dir, metaKey('digest'), undefined)
    const store = await openStore(dir, net.genesis)
    expect(store.openNotes.join('\n')).to.contain('had no state digest')
    await store.close()
    await expectSameChain(dir, healthy)
  })
})
