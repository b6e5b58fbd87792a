import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { buildGenesis, loadGenesisFile, parseGenesisJson } from '../../../chain/genesis.js'
import { ChainError } from '../../../chain/errors.js'
import { blockId } from '../../../chain/block.js'
import { devKey } from '../../../chain/devkeys.js'
import { genesisBaseTarget } from '../../../chain/consensus/pot.js'
import { toHex } from '../../../chain/hex.js'

const repoGenesis = JSON.parse(readFileSync('genesis.json', 'utf8')) as Record<string, unknown>
const withField = (k: string, v: unknown): Record<string, unknown> => ({ ...repoGenesis, [k]: v })
const codeOf = (json: unknown): string => {
  try { parseGenesisJson(json); return 'OK' } catch (e) { return (e as ChainError).code + ':' + String((e as ChainError).data?.field ?? '') }
}

describe('chain/genesis', () => {
  it('loads the repo devnet and derives a deterministic chain id and genesis block', () => {
    const a = loadGenesisFile('genesis.json')
    const b = buildGenesis(parseGenesisJson(JSON.parse(readFileSync('genesis.json', 'utf8'))))
    expect(toHex(a.chainId)).to.equal(toHex(b.chainId))
    expect(a.chainId.length).to.equal(16)
    expect(toHex(a.blockId)).to.equal(toHex(blockId(b.block)))
    expect(a.block.n).to.equal(0)
    expect(a.block.d).to.equal(0n)
    expect(toHex(a.block.g)).to.equal(toHex(a.hash))
    expect(a.block.b).to.equal(genesisBaseTarget(10, [100, 64, 36, 16]))
    expect(a.config.blockTime).to.equal(10)
  })

  it('funds the documented dev keys', () => {
    const g = loadGenesisFile('genesis.json')
    for (let i = 0; i < 4; i++) expect(toHex(g.config.accounts[i].pubkey)).to.equal(toHex(devKey(i).publicKey))
  })

  it('changes the chain id when any field changes, including account order', () => {
    const base = toHex(loadGenesisFile('genesis.json').chainId)
    const accs = repoGenesis.accounts as unknown[]
    for (const json of [withField('name', 'other'), withField('minFee', 2), withField('accounts', [...accs].reverse())]) {
      expect(toHex(buildGenesis(parseGenesisJson(json)).chainId)).to.not.equal(base)
    }
  })

  it('rejects every bad field with a clear, coded error', () => {
    const acc0 = (repoGenesis.accounts as Array<Record<string, unknown>>)[0]
    const table: Array<[unknown, string]> = [
      [[], 'GENESIS_BAD_FORMAT:'],
      [withField('extra', 1), 'GENESIS_UNKNOWN_FIELD:'],
      [{ ...repoGenesis, name: undefined }, 'GENESIS_MISSING_FIELD:'],
      [withField('name', ''), 'GENESIS_BAD_FIELD:name'],
      [withField('name', 'x'.repeat(17)), 'GENESIS_BAD_FIELD:name'],
      [withField('name', 'héllo'), 'GENESIS_BAD_FIELD:name'],
      [withField('timestamp', -1), 'GENESIS_BAD_FIELD:timestamp'],
      [withField('timestamp', 1.5), 'GENESIS_BAD_FIELD:timestamp'],
      [withField('blockTime', 9), 'GENESIS_BAD_FIELD:blockTime'],
      [withField('mutableRange', 0), 'GENESIS_BAD_FIELD:mutableRange'],
      [withField('minFee', '1'), 'GENESIS_BAD_FIELD:minFee'],
      [withField('blockReward', 2 ** 53), 'GENESIS_BAD_FIELD:blockReward'],
      [withField('accounts', []), 'GENESIS_BAD_FIELD:accounts'],
      [withField('accounts', [{ ...acc0, pubkey: 'zz' }]), 'GENESIS_BAD_FIELD:accounts[0].pubkey'],
      [withField('accounts', [{ ...acc0, pubkey: '00'.repeat(32) }]), 'GENESIS_BAD_FIELD:accounts[0].pubkey'],
      [withField('accounts', [acc0, acc0]), 'GENESIS_BAD_FIELD:accounts[1].pubkey'],
      [withField('accounts', [{ ...acc0, balance: -5 }]), 'GENESIS_BAD_FIELD:accounts[0].balance'],
      [withField('accounts', [{ ...acc0, power: 'a lot' }]), 'GENESIS_BAD_FIELD:accounts[0].power'],
      [withField('accounts', [{ ...acc0, nick: 'x' }]), 'GENESIS_UNKNOWN_FIELD:']
    ]
    for (const [json, want] of table) expect(codeOf(json), want).to.equal(want)
    expect(codeOf(repoGenesis)).to.equal('OK')
  })

  it('reports unreadable and malformed files', () => {
    expect(() => loadGenesisFile('/nonexistent/genesis.json')).to.throw(ChainError).with.property('code', 'GENESIS_UNREADABLE')
    expect(() => loadGenesisFile('package-lock.json')).to.throw(ChainError).with.property('code', 'GENESIS_UNKNOWN_FIELD')
  })
})
