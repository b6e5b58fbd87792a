import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

const run = (...args: string[]): { code: number | null, out: string, err: string } => {
  const r = spawnSync(process.execPath, ['bin/tau-node.js', ...args], { encoding: 'utf8', timeout: 30_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('tau-node CLI (stub commands)', () => {
  it('prints help and exits 0 for --help, 2 for an unknown command', () => {
    const h = run('--help')
    expect(h.code).to.equal(0)
    expect(h.out).to.contain('keygen')
    const u = run('frobnicate')
    expect(u.code).to.equal(2)
    expect(u.err).to.contain('unknown command')
  })

  it('keygen writes a 0600 key file and refuses to overwrite it', () => {
    const dir = makeTmpDir()
    try {
      const path = join(dir, 'k.json')
      const r = run('keygen', '--out', path)
      expect(r.code).to.equal(0)
      expect(r.out.trim()).to.match(/^[0-9a-f]{64}$/)
      expect(existsSync(path)).to.equal(true)
      expect(statSync(path).mode & 0o777).to.equal(0o600)
      const again = run('keygen', '--out', path)
      expect(again.code).to.equal(1)
      expect(again.err).to.contain('KEYFILE_EXISTS')
    } finally {
      removeDir(dir)
    }
  })

  it('genesis --check accepts the repo genesis and names the bad field of a broken one', () => {
    const ok = run('genesis', '--check', 'genesis.json')
    expect(ok.code).to.equal(0)
    expect(JSON.parse(ok.out).chainId).to.match(/^[0-9a-f]{32}$/)
    const bad = run('genesis', '--check', 'package.json')
    expect(bad.code).to.equal(1)
    expect(bad.err).to.contain('GENESIS_UNKNOWN_FIELD')
  })

  it('rejects unknown options with exit code 2', () => {
    expect(run('keygen', '--nope').code).to.equal(2)
  })
})
