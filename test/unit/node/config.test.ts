import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULTS, configHelp, loadConfig } from '../../../node/config.js'
import { NodeError } from '../../../node/errors.js'
import { acquireLock } from '../../../node/lock.js'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

describe('node/config', () => {
  let dir: string
  beforeEach(() => { dir = makeTmpDir() })
  afterEach(() => { removeDir(dir) })

  it('uses the defaults, bound to 127.0.0.1', () => {
    const c = loadConfig({}, {})
    expect(c.dhtHost).to.equal('127.0.0.1')
    expect(c.apiHost).to.equal('127.0.0.1')
    expect(c.dhtPort).to.equal(DEFAULTS.dhtPort)
    expect(c.bootstrap).to.deep.equal([])
    expect(c.mine).to.equal(true)
  })

  it('layers flags over environment over config file over defaults', () => {
    const file = join(dir, 'tau.json')
    writeFileSync(file, JSON.stringify({ 'dht-port': 1111, 'api-port': 2222, 'log-level': 'debug', bootstrap: ['127.0.0.1:9000'] }))
    const env = { TAU_API_PORT: '3333', TAU_LOG_LEVEL: 'warn' }
    const c = loadConfig({ config: file, 'log-level': 'error' }, env)
    expect(c.dhtPort).to.equal(1111) // file only
    expect(c.apiPort).to.equal(3333) // env beats file
    expect(c.logLevel).to.equal('error') // flag beats env
    expect(c.bootstrap).to.deep.equal([{ host: '127.0.0.1', port: 9000 }])
    expect(loadConfig({ mine: false }, { TAU_MINE: 'true' }).mine).to.equal(false)
    expect(loadConfig({}, { TAU_MINE: 'false' }).mine).to.equal(false)
  })

  it('names the setting and its source in every error', () => {
    const code = (f: () => unknown): string => { try { f(); return 'OK' } catch (e) { return `${(e as NodeError).code}: ${(e as Error).message}` } }
    expect(code(() => loadConfig({ 'dht-port': '70000' }, {}))).to.match(/^CONFIG_BAD_VALUE: .*dht-port \(from --dht-port\)/)
    expect(code(() => loadConfig({}, { TAU_BOOTSTRAP: 'nohost' }))).to.match(/^CONFIG_BAD_VALUE: .*TAU_BOOTSTRAP|bootstrap/)
    expect(code(() => loadConfig({ 'log-format': 'xml' }, {}))).to.match(/^CONFIG_BAD_VALUE/)
    expect(code(() => loadConfig({ 'key-file': 'k.json', 'dev-key': '1' }, {}))).to.match(/^CONFIG_CONFLICT/)
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{ nope')
    expect(code(() => loadConfig({ config: bad }, {}))).to.match(/^CONFIG_BAD_JSON/)
    const unknown = join(dir, 'unknown.json')
    writeFileSync(unknown, '{"colour": "blue"}')
    expect(code(() => loadConfig({ config: unknown }, {}))).to.match(/^CONFIG_UNKNOWN_KEY/)
    expect(code(() => loadConfig({ config: join(dir, 'missing.json') }, {}))).to.match(/^CONFIG_UNREADABLE/)
  })

  it('documents every setting with its environment variable in the help', () => {
    const h = configHelp()
    for (const name of ['--data-dir', '--genesis', '--key-file', '--dht-host', '--dht-port', '--bootstrap', '--api-host', '--api-port', '--mine / --no-mine', '--log-level', '--log-format', '--config', 'TAU_DATA_DIR', 'TAU_CONFIG']) {
      expect(h).to.contain(name)
    }
  })
})

describe('node/lock', () => {
  it('refuses a second holder and takes over a stale lock', () => {
    const dir = makeTmpDir()
    try {
      const release = acquireLock(dir)
      // Same pid counts as "ours" only for a stale-lock check, so fake a live foreign pid: our parent.
      writeFileSync(join(dir, 'tau-node.lock'), `${process.ppid}\n`)
      expect(() => acquireLock(dir)).to.throw(NodeError).with.property('code', 'NODE_LOCKED')
      // A pid that cannot exist: stale, taken over.
      writeFileSync(join(dir, 'tau-node.lock'), '999999999\n')
      const again = acquireLock(dir)
      again()
      release()
    } finally {
      removeDir(dir)
    }
  })
})
