// `tau-node testnet --emit compose`: the files a container testnet needs, checked as the user gets
// them (the CLI in a child process); docker-compose (when installed) validates the compose file.
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadGenesisFile } from '../../../../chain/genesis.js'
import { toHex } from '../../../../chain/hex.js'
import { readKeyFile } from '../../../../chain/crypto.js'
import { runCli } from '../../../helpers/cli.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'

describe('tau-node testnet --emit compose', function () {
  this.timeout(60_000)
  let dir = ''
  beforeEach(() => { dir = makeTmpDir() })
  afterEach(() => { removeDir(dir) })

  it('writes compose.yaml, the genesis and one key per miner, each key funded with power', async () => {
    const out = join(dir, 'net')
    const r = await runCli(['testnet', '--emit', 'compose', '--nodes', '3', '--dir', out, '--image', 'tau-node:test', '--seed', 'emit'])
    expect(r.code, r.stderr).to.equal(0)
    const rep = JSON.parse(r.stdout) as { chainId: string, keys: string[] }
    const g = loadGenesisFile(join(out, 'genesis.json'))
    expect(rep.chainId).to.equal(toHex(g.chainId))
    for (let i = 0; i < 3; i++) {
      const p = join(out, 'keys', `node-${i}.json`)
      expect(statSync(p).mode & 0o777).to.equal(0o600)
      const k = readKeyFile(p)
      const acc = g.config.accounts[i]
      expect(toHex(acc.pubkey)).to.equal(toHex(k.publicKey)).and.to.equal(rep.keys[i])
      expect(acc.power).to.be.greaterThan(0)
      if (process.getuid?.() === 0) expect(statSync(p).uid).to.equal(1000)
    }
    const y = readFileSync(join(out, 'compose.yaml'), 'utf8')
    for (let i = 0; i < 3; i++) {
      expect(y).to.contain(`  tau-${i}:\n    image: tau-node:test\n`)
      expect(y).to.contain(`  tau-${i}-data: {}`)
      expect(y).to.contain(`file: ./keys/node-${i}.json`)
    }
    // Bootstrap by service name, to the nodes started before; start order gated on health.
    expect(y).to.contain('TAU_BOOTSTRAP: ""')
    expect(y).to.contain('TAU_BOOTSTRAP: "tau-0:7000,tau-1:7000"')
    expect(y).to.contain('    depends_on:\n      tau-1:\n        condition: service_healthy')
    expect(y).to.contain('endpoint_mode: dnsrr')
    // Deterministic with a seed: the same keys again.
    const again = await runCli(['testnet', '--emit', 'compose', '--nodes', '3', '--dir', join(dir, 'net2'), '--seed', 'emit'])
    expect((JSON.parse(again.stdout) as { keys: string[] }).keys).to.deep.equal(rep.keys)

    const dc = spawnSync('docker-compose', ['-f', join(out, 'compose.yaml'), 'config', '-q'], { encoding: 'utf8', timeout: 30_000 })
    if (dc.error === undefined) expect(dc.status, dc.stderr).to.equal(0)
  })

  it('refuses bad options (exit 2) and an existing compose.yaml (exit 1)', async () => {
    const bad = await runCli(['testnet', '--emit', 'swarm', '--dir', dir])
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.contain('--emit takes "compose"')
    const many = await runCli(['testnet', '--emit', 'compose', '--nodes', '99', '--dir', dir])
    expect(many.code).to.equal(2)
    expect(many.stderr).to.contain('--nodes')
    const ok = await runCli(['testnet', '--emit', 'compose', '--nodes', '1', '--dir', dir])
    expect(ok.code).to.equal(0)
    expect(existsSync(join(dir, 'compose.yaml'))).to.equal(true)
    const twice = await runCli(['testnet', '--emit', 'compose', '--nodes', '1', '--dir', dir])
    expect(twice.code).to.equal(1)
    expect(twice.stderr).to.contain('exists')
  })
})
