import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { publicKeyOf } from '../../../../chain/crypto.js'
import { buildGenesis, genesisToJson, parseGenesisJson } from '../../../../chain/genesis.js'
import { toHex } from '../../../../chain/hex.js'
import { loadKeys, powerOf, seededSecretKey, testnetGenesis, testnetGenesisConfig, testnetKeys } from '../../../../scripts/testnet/keys.js'

describe('testnet keys and genesis', () => {
  it('derives secret key i = SHA-256(utf8(seed) ‖ uint32be(i))', () => {
    const expected = createHash('sha256').update(Buffer.concat([Buffer.from('tau-ci', 'utf8'), Buffer.from([0, 0, 1, 2])])).digest('hex')
    expect(toHex(seededSecretKey('tau-ci', 258))).to.equal(expected)
    // The fixed-width index keeps ("a1", 1) and ("a", 11) apart.
    expect(toHex(seededSecretKey('a1', 1))).to.not.equal(toHex(seededSecretKey('a', 11)))
  })

  it('is deterministic with a seed and random without', () => {
    const a = testnetKeys(4, 'seed-x').map(k => toHex(k.publicKey))
    const b = testnetKeys(4, 'seed-x').map(k => toHex(k.publicKey))
    const c = testnetKeys(4, 'seed-y').map(k => toHex(k.publicKey))
    expect(a).to.deep.equal(b)
    expect(new Set(a).size).to.equal(4)
    expect(a.some((pk, i) => pk === c[i])).to.equal(false)
    const r1 = testnetKeys(2).map(k => toHex(k.publicKey))
    const r2 = testnetKeys(2).map(k => toHex(k.publicKey))
    expect(r1).to.not.deep.equal(r2)
    for (const k of testnetKeys(3, 'seed-x')) expect(toHex(publicKeyOf(k.secretKey))).to.equal(toHex(k.publicKey))
  })

  it('funds every node with varied powers, starts now, and passes genesis validation', () => {
    const keys = testnetKeys(5, 'g')
    const before = Math.floor(Date.now() / 1000)
    const cfg = testnetGenesisConfig(keys, { blockTime: 10, mutableRange: 4 })
    expect(cfg.timestamp).to.be.within(before, before + 2)
    expect(cfg.accounts.map(a => toHex(a.pubkey))).to.deep.equal(keys.map(k => toHex(k.publicKey)))
    expect(new Set(cfg.accounts.map(a => a.power)).size).to.equal(5)
    expect(cfg.accounts.every(a => a.balance > 0 && a.power > 0)).to.equal(true)
    expect(cfg).to.deep.include({ blockTime: 10, mutableRange: 4 })
    // What the tool writes is what the node's loader accepts, with the same chain id.
    const reparsed = parseGenesisJson(JSON.parse(JSON.stringify(genesisToJson(cfg))))
    expect(toHex(buildGenesis(reparsed).chainId)).to.equal(toHex(buildGenesis(cfg).chainId))
  })

  it('adds funded load accounts without power after the node accounts', () => {
    const keys = testnetKeys(3, 'g')
    const load = loadKeys(2, 'g')
    expect(toHex(load[0].secretKey)).to.equal(toHex(seededSecretKey('g', 0x10000)))
    const cfg = testnetGenesisConfig(keys, { blockTime: 10, mutableRange: 6, loadKeys: load })
    expect(cfg.accounts).to.have.length(5)
    expect(cfg.accounts.slice(3).map(a => [toHex(a.pubkey), a.power])).to.deep.equal(load.map(k => [toHex(k.publicKey), 0]))
    expect(cfg.accounts.slice(3).every(a => a.balance > 0)).to.equal(true)
    parseGenesisJson(JSON.parse(JSON.stringify(genesisToJson(cfg))))
  })

  it('gives the same chain id for the same seed and timestamp', () => {
    const g1 = testnetGenesis(testnetKeys(4, 's'), { blockTime: 10, mutableRange: 6, timestamp: 1_800_000_000 })
    const g2 = testnetGenesis(testnetKeys(4, 's'), { blockTime: 10, mutableRange: 6, timestamp: 1_800_000_000 })
    const g3 = testnetGenesis(testnetKeys(4, 's'), { blockTime: 10, mutableRange: 6, timestamp: 1_800_000_001 })
    expect(toHex(g1.chainId)).to.equal(toHex(g2.chainId))
    expect(toHex(g1.chainId)).to.not.equal(toHex(g3.chainId))
    expect(powerOf(0)).to.not.equal(powerOf(1))
  })
})
