// keygen --encrypt through the CLI: the passphrase from TAU_KEY_PASSPHRASE, a version-2 file with
// mode 0600 whose secret opens only with that passphrase; a short one, or none without a terminal,
// is refused with its code before any file is written.
import { expect } from 'chai'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { toHex } from '../../chain/hex.js'
import { decryptKeyFile, parseEncryptedKeyFile } from '../../chain/keystore.js'
import { runCli } from '../helpers/cli.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'

describe('keygen --encrypt (CLI)', function () {
  this.timeout(60_000)
  let dir: string
  beforeEach(() => { dir = makeTmpDir('tau-keygen-') })
  afterEach(() => { removeDir(dir) })

  it('writes an encrypted 0600 file that opens with the passphrase and shows the printed key', async () => {
    const path = join(dir, 'k.json')
    const r = await runCli(['keygen', '--encrypt', '--out', path], { env: { TAU_KEY_PASSPHRASE: 'long enough passphrase' } })
    expect(r.code, r.stderr).to.equal(0)
    const pub = r.stdout.trim()
    expect(statSync(path).mode & 0o777).to.equal(0o600)
    const file = parseEncryptedKeyFile(JSON.parse(readFileSync(path, 'utf8')), path)
    expect(file.version).to.equal(2)
    expect(file.publicKey).to.equal(pub)
    expect(toHex(decryptKeyFile(file, 'long enough passphrase', path).publicKey)).to.equal(pub)
    // The wallet reads the public key without the passphrase; the secret needs it.
    const bal = await runCli(['wallet', 'balance', '--key-file', path, '--api', 'http://127.0.0.1:9'])
    expect(bal.code).to.equal(3) // got as far as asking the node: no passphrase was needed
  })

  it('refuses a short passphrase and a missing one without a terminal, writing nothing', async () => {
    const path = join(dir, 'k.json')
    const short = await runCli(['keygen', '--encrypt', '--out', path], { env: { TAU_KEY_PASSPHRASE: 'short' } })
    expect(short.code).to.equal(1)
    expect(short.stderr).to.contain('KEYFILE_WEAK_PASSPHRASE')
    const none = await runCli(['keygen', '--encrypt', '--out', path])
    expect(none.code).to.equal(1)
    expect(none.stderr).to.contain('KEYFILE_NO_PASSPHRASE')
    expect(existsSync(path)).to.equal(false)
  })
})
