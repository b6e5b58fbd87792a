import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadGenesisFile } from '../../../../chain/genesis.js'
import { toHex } from '../../../../chain/hex.js'
import { devKey } from '../../../../chain/devkeys.js'
import { runCli } from '../../../helpers/cli.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'

describe('tau-node genesis new', function () {
  this.timeout(60_000)
  let dir = ''
  beforeEach(() => { dir = makeTmpDir() })
  afterEach(() => { removeDir(dir) })

  const keys = [0, 1].map(i => toHex(devKey(i).publicKey))

  it('writes a file that loads, with the given values, and prints its chain id', async () => {
    const out = join(dir, 'g.json')
    const r = await runCli(['genesis', 'new', '--name', 'mynet', '--block-time', '20', '--mutable-range', '8',
      '--timestamp', '1800000000', '--account', `${keys[0]}:500:7`, '--account', `${keys[1]}:300:3`, '--out', out])
    expect(r.code, r.stderr).to.equal(0)
    const printed = JSON.parse(r.stdout) as { chainId: string, file: string }
    const g = loadGenesisFile(out)
    expect(printed.chainId).to.equal(toHex(g.chainId))
    expect(g.config).to.include({ name: 'mynet', blockTime: 20, mutableRange: 8, timestamp: 1800000000, minFee: 1, blockReward: 10 })
    expect(g.config.accounts.map(a => [toHex(a.pubkey), a.balance, a.power])).to.deep.equal([[keys[0], 500, 7], [keys[1], 300, 3]])
    // The same flags give the same chain id: the file is deterministic given a timestamp.
    const again = await runCli(['genesis', 'new', '--name', 'mynet', '--block-time', '20', '--mutable-range', '8',
      '--timestamp', '1800000000', '--account', `${keys[0]}:500:7`, '--account', `${keys[1]}:300:3`, '--out', join(dir, 'h.json')])
    expect((JSON.parse(again.stdout) as { chainId: string }).chainId).to.equal(printed.chainId)
    const check = await runCli(['genesis', '--check', out])
    expect(check.code).to.equal(0)
    expect(check.stdout).to.contain(printed.chainId)
  })

  it('refuses bad flags with a coded error and never overwrites without --force', async () => {
    const out = join(dir, 'g.json')
    const short = await runCli(['genesis', 'new', '--name', 'x', '--block-time', '5', '--account', `${keys[0]}:1:1`, '--out', out])
    expect(short.code).to.equal(1)
    expect(short.stderr).to.contain('GENESIS_BAD_FIELD').and.contain('blockTime')
    const badAcc = await runCli(['genesis', 'new', '--name', 'x', '--account', 'abc:1', '--out', out])
    expect(badAcc.code).to.equal(2)
    expect(badAcc.stderr).to.contain('KEY:BALANCE:POWER')
    const badKey = await runCli(['genesis', 'new', '--name', 'x', '--account', `${'0'.repeat(64)}:1:1`, '--out', out])
    expect(badKey.code).to.equal(1)
    expect(badKey.stderr).to.contain('accounts[0].pubkey')
    const noAcc = await runCli(['genesis', 'new', '--name', 'x', '--out', out])
    expect(noAcc.code).to.equal(2)
    const ok = await runCli(['genesis', 'new', '--name', 'x', '--account', `${keys[0]}:1:1`, '--out', out])
    expect(ok.code).to.equal(0)
    const before = readFileSync(out, 'utf8')
    const again = await runCli(['genesis', 'new', '--name', 'y', '--account', `${keys[0]}:1:1`, '--out', out])
    expect(again.code).to.equal(1)
    expect(again.stderr).to.contain('GENESIS_FILE_EXISTS')
    expect(readFileSync(out, 'utf8')).to.equal(before)
    const forced = await runCli(['genesis', 'new', '--name', 'y', '--account', `${keys[0]}:1:1`, '--out', out, '--force'])
    expect(forced.code).to.equal(0)
    expect(loadGenesisFile(out).config.name).to.equal('y')
  })
})
