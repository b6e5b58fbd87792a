// `tau-node backup` and `tau-node restore` as an operator runs them: a real mining node process on
// 127.0.0.1 (UDP DHT, LevelDB in a temp dir) is backed up through its API while it keeps mining; the
// copy restores into a new data dir that passes `check --full`; corrupt, truncated, tampered (valid
// checksum, inconsistent store) and foreign backups are refused with their codes and leave no store.
import { expect } from 'chai'
import { createReadStream, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { keyPairFromSeed, writeKeyFile } from '../../chain/crypto.js'
import { buildGenesis, genesisToJson } from '../../chain/genesis.js'
import { P_BLOCK } from '../../chain/store/keys.js'
import { BackupReader, BackupWriter } from '../../node/ops/backupFormat.js'
import { type NodeProc, apiUrlOf, runCli, startNodeProcess, stopProcess } from '../helpers/cli.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const miner = keyPairFromSeed('backup-test-miner')

describe('backup and restore of a mining node (real process)', function () {
  this.timeout(6 * 60_000)
  let dir = ''
  let node: NodeProc | undefined
  let api = ''
  let genesisPath = ''
  let otherGenesisPath = ''
  const genesis = buildGenesis({
    name: 'backuptest', timestamp: Math.floor(Date.now() / 1000), blockTime: T, mutableRange: 1, minFee: 1, blockReward: 10,
    accounts: [{ pubkey: miner.publicKey, balance: 1_000_000, power: 1_000 }]
  })
  const other = buildGenesis({ ...genesis.config, name: 'elsewhere' })
  const height = async (): Promise<number> => ((await (await fetch(`${api}/status`)).json()) as { height: number }).height
  const describeNode = (): string => node?.out.slice(-20).join('\n') ?? ''
  const restore = async (file: string, dataDir: string, g = genesisPath) => await runCli(['restore', '--in', file, '--data-dir', dataDir, '--genesis', g], { timeoutMs: 120_000 })

  before(async () => {
    dir = makeTmpDir('tau-backup-')
    genesisPath = join(dir, 'genesis.json')
    otherGenesisPath = join(dir, 'other.json')
    writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config)))
    writeFileSync(otherGenesisPath, JSON.stringify(genesisToJson(other.config)))
    writeKeyFile(join(dir, 'miner.json'), miner)
    node = startNodeProcess(['--data-dir', join(dir, 'node'), '--genesis', genesisPath, '--key-file', join(dir, 'miner.json'), '--dht-port', '0', '--api-port', '0', '--mine'])
    api = await waitFor(() => apiUrlOf(node as NodeProc), { timeoutMs: 60_000, what: 'the API to listen', describe: describeNode })
    await waitFor(async () => (await height()) >= 2, { timeoutMs: 120_000, intervalMs: 500, what: 'height 2', describe: describeNode })
  })

  after(async () => {
    await stopProcess(node)
    if (dir !== '') removeDir(dir)
  })

  it('refuses GET /admin/backup without the admin token', async () => {
    const r = await fetch(`${api}/admin/backup`)
    expect(r.status).to.equal(401)
    expect(((await r.json()) as { code: string }).code).to.equal('ADMIN_TOKEN_REQUIRED')
  })

  it('backs up while the node mines, and the copy restores into a store that passes check --full', async () => {
    const before = await height()
    const file = join(dir, 'b1.bin')
    const b = await runCli(['backup', '--out', file, '--api', api, '--data-dir', join(dir, 'node')], { timeoutMs: 120_000 })
    expect(b.code, b.stderr).to.equal(0)
    const made = JSON.parse(b.stdout) as { records: number, bytes: number }
    expect(made.records).to.be.greaterThan(5)
    expect(made.bytes).to.equal(readFileSync(file).length)
    // The node went on mining: the backup did not stop or lock it.
    await waitFor(async () => (await height()) > before, { timeoutMs: 90_000, intervalMs: 500, what: 'a block after the backup', describe: describeNode })
    const again = await runCli(['backup', '--out', file, '--api', api, '--data-dir', join(dir, 'node')])
    expect(again.code).to.equal(1)
    expect(again.stderr).to.contain('BACKUP_FILE_EXISTS')

    const target = join(dir, 'restored')
    const r = await restore(file, target)
    expect(r.code, r.stderr).to.equal(0)
    const rep = JSON.parse(r.stdout) as { height: number, records: number }
    expect(rep.records).to.equal(made.records)
    expect(rep.height).to.be.at.least(before)
    const c = await runCli(['check', '--full', '--data-dir', target, '--genesis', genesisPath], { timeoutMs: 120_000 })
    expect(c.code, c.stdout + c.stderr).to.equal(0)
    expect((JSON.parse(c.stdout) as { height: number }).height).to.equal(rep.height)
    // The restored dir is a working store: a second restore into it is refused, not merged.
    const twice = await restore(file, target)
    expect(twice.code).to.equal(1)
    expect(twice.stderr).to.contain('RESTORE_TARGET_EXISTS')
  })

  it('refuses a corrupt, a truncated, a tampered and a foreign backup, leaving no store behind', async () => {
    const file = join(dir, 'b2.bin')
    const b = await runCli(['backup', '--out', file, '--api', api, '--data-dir', join(dir, 'node')], { timeoutMs: 120_000 })
    expect(b.code, b.stderr).to.equal(0)
    const good = readFileSync(file)

    const flipped = Buffer.from(good)
    flipped[Math.floor(flipped.length / 2)] ^= 0x01
    writeFileSync(join(dir, 'flipped.bin'), flipped)
    writeFileSync(join(dir, 'cut.bin'), good.subarray(0, good.length - 100))
    // Tampered: one block record altered, then the file re-sealed with a valid checksum, so only the
    // store check (every block hash) can find it.
    // Garbled: one block record cut short and re-sealed, so it does not even decode. Both must be
    // reported as the backup's fault (BACKUP_CORRUPT), never as a damaged local store.
    const reseal = async (name: string, alter: (v: Uint8Array) => Buffer): Promise<void> => {
      const reader = new BackupReader(createReadStream(file) as AsyncIterable<Buffer>)
      const w = new BackupWriter()
      const parts: Buffer[] = [w.header(await reader.header())]
      let altered = false
      for await (const [k, v] of reader.records()) {
        if (!altered && k[0] === P_BLOCK && k.length === 33) {
          parts.push(w.record(k, alter(v)))
          altered = true
        } else parts.push(w.record(k, v))
      }
      parts.push(w.end())
      expect(altered, name).to.equal(true)
      writeFileSync(join(dir, name), Buffer.concat(parts))
    }
    await reseal('tampered.bin', v => { const nv = Buffer.from(v); nv[nv.length - 2] ^= 0x01; return nv })
    await reseal('garbled.bin', v => Buffer.from(v.subarray(0, v.length - 7)))

    const cases: Array<[string, string, string]> = [
      ['flipped.bin', genesisPath, 'BACKUP_CORRUPT'],
      ['cut.bin', genesisPath, 'BACKUP_CORRUPT'],
      ['tampered.bin', genesisPath, 'BACKUP_CORRUPT'],
      ['garbled.bin', genesisPath, 'BACKUP_CORRUPT'],
      ['b2.bin', otherGenesisPath, 'BACKUP_FOREIGN'],
      ['genesis.json', genesisPath, 'BACKUP_CORRUPT']
    ]
    for (const [name, g, code] of cases) {
      const target = join(dir, `bad-${name}`)
      const r = await restore(join(dir, name), target, g)
      expect(r.code, `${name}: ${r.stdout}`).to.equal(1)
      expect(r.stderr, name).to.contain(code)
      expect(r.stderr, name).not.to.match(/\n\s+at /)
      expect(existsSync(join(target, 'chain')), name).to.equal(false)
      expect(readdirSync(target).filter(f => f.startsWith('chain')), name).to.deep.equal([])
    }
    const tampered = await restore(join(dir, 'tampered.bin'), join(dir, 'bad-tampered-2'))
    expect(tampered.stderr).to.contain('fails verification')
  })
})
