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

  it('takes --public-endpoint as ipv4:port and refuses 0.0.0.0 or a bad one with CONFIG_BAD_VALUE', () => {
    expect(loadConfig({ 'public-endpoint': '203.0.113.5:7881' }, {}).publicEndpoint).to.deep.equal({ host: '203.0.113.5', port: 7881 })
    for (const v of ['0.0.0.0:7881', 'example.org:7881', '203.0.113.5', '203.0.113.5:0']) {
      expect(() => loadConfig({ 'public-endpoint': v }, {})).to.throw(NodeError).with.property('code', 'CONFIG_BAD_VALUE')
    }
  })

  it('accepts link emulation only under the testnet tool, with jitter ≤ latency', () => {
    const flags = { 'link-latency': '80', 'link-jitter': '20', 'link-loss': '2' }
    expect(() => loadConfig(flags, {})).to.throw(NodeError).with.property('code', 'CONFIG_LINK_NOT_TESTNET')
    const c = loadConfig(flags, { TAU_UNDER_TESTNET: '1' })
    expect([c.linkLatencyMs, c.linkJitterMs, c.linkLossPct]).to.deep.equal([80, 20, 2])
    expect(() => loadConfig({ 'link-latency': '10', 'link-jitter': '20' }, { TAU_UNDER_TESTNET: '1' })).to.throw(NodeError).with.property('code', 'CONFIG_BAD_VALUE')
    expect(() => loadConfig({ 'link-loss': '75' }, { TAU_UNDER_TESTNET: '1' })).to.throw(NodeError).with.property('code', 'CONFIG_BAD_VALUE')
    const far = loadConfig({ 'link-far-peers': '127.0.0.1:7004,127.0.0.1:7006', 'link-far-latency': '150' }, { TAU_UNDER_TESTNET: '1' })
    expect(far.linkFarPeers).to.have.length(2)
    expect(() => loadConfig({ 'link-far-peers': '127.0.0.1:7004' }, {})).to.throw(NodeError).with.property('code', 'CONFIG_LINK_NOT_TESTNET')
    expect(() => loadConfig({ 'link-far-latency': '150' }, { TAU_UNDER_TESTNET: '1' })).to.throw(NodeError).with.property('code', 'CONFIG_CONFLICT')
  })

  it('documents every setting with its environment variable in the help', () => {
    const h = configHelp()
    for (const name of ['--data-dir', '--genesis', '--key-file', '--dht-host', '--dht-port', '--bootstrap', '--api-host', '--api-port', '--mine / --no-mine', '--log-level', '--log-format', '--config', 'TAU_DATA_DIR', 'TAU_CONFIG']) {
      expect(h).to.contain(name)
    }
    // Every flag is followed by at least one space before its help text, however long the flag.
    for (const line of h.split('\n').filter(l => l.startsWith('  --'))) {
      expect(line, line).to.match(/^ {2}--[a-z-]+(?: \/ --[a-z-]+)?(?: VALUE| FILE)? +\S/)
      expect(line, line).not.to.match(/(VALUE|FILE)\S/)
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
