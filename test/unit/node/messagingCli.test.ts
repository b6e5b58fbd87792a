// The messaging commands and settings: usage errors exit 2 with a message, an unreachable node or a
// missing token exits 1 with a message (never a stack), and `friends` / `nickname` settings parse
// from flags, environment and the config file with coded errors for bad entries.
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isChainOrNodeError } from '../../../node/errors.js'
import { loadConfig } from '../../../node/config.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

const run = (...args: string[]): { code: number | null, out: string, err: string } => {
  const r = spawnSync(process.execPath, ['bin/tau-node.js', ...args], { encoding: 'utf8', timeout: 30_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const KEY = 'ab'.repeat(32)

describe('tau-node friends / messages (CLI) and their settings', function () {
  this.timeout(60_000)
  let dir: string
  before(() => { dir = makeTmpDir('tau-msgcli-') })
  after(() => { removeDir(dir) })

  it('bad usage exits 2 and says what is wrong', () => {
    for (const [args, text] of [
      [['friends'], 'give add KEY'], [['friends', 'add', 'nothex'], '64 hex'], [['friends', 'list', '--name', 'x'], '--name goes with add'],
      [['messages', 'send', KEY], 'one TEXT'], [['messages', 'list', '--with', 'zz'], '--with'], [['messages', 'frob'], 'give list']
    ] as Array<[string[], string]>) {
      const r = run(...args)
      expect(r.code, args.join(' ')).to.equal(2)
      expect(r.err, args.join(' ')).to.contain(text)
    }
    expect(run('friends', '--help').out).to.contain('Usage: tau-node friends')
    expect(run('--help').out).to.contain('messages')
  })

  it('a missing token or an unreachable node exits 1 with one line', () => {
    const noToken = run('friends', 'list', '--data-dir', join(dir, 'nowhere'))
    expect(noToken.code).to.equal(1)
    expect(noToken.err).to.contain('cannot read the admin token')
    writeFileSync(join(dir, 'admin-token'), 'x'.repeat(64))
    const down = run('messages', 'send', KEY, 'hi', '--data-dir', dir, '--api', 'http://127.0.0.1:9')
    expect(down.code).to.equal(1)
    expect(down.err).to.match(/^tau-node messages: cannot reach http:\/\/127\.0\.0\.1:9/)
    expect(down.err).to.not.contain('    at ')
  })

  it('friends and nickname come from flags, environment or the config file; bad entries are CONFIG_BAD_VALUE', () => {
    const file = join(dir, 'cfg.json')
    writeFileSync(file, JSON.stringify({ friends: [KEY, { key: 'CD'.repeat(32), name: 'carol' }], nickname: 'alice' }))
    const c = loadConfig({ config: file }, {})
    expect(c.friends).to.deep.equal([{ key: KEY }, { key: 'cd'.repeat(32), name: 'carol' }])
    expect(c.nickname).to.equal('alice')
    expect(loadConfig({ friends: `${KEY}:bob` }, { TAU_NICKNAME: 'al' })).to.deep.include({ friends: [{ key: KEY, name: 'bob' }], nickname: 'al' })
    for (const flags of [{ friends: 'nothex' }, { friends: `${KEY}:${'x'.repeat(33)}` }, { nickname: 'n'.repeat(33) }]) {
      let code: string | undefined
      try { loadConfig(flags, {}) } catch (e) { code = isChainOrNodeError(e) ? e.code : 'other' }
      expect(code, JSON.stringify(flags)).to.equal('CONFIG_BAD_VALUE')
    }
  })
})
