import { expect } from 'chai'
import { loadConfig } from '../../../../node/config.js'
import { parseHostNameEndpoint, resolveBootstrap, resolveDhtHost } from '../../../../node/ops/netResolve.js'

describe('node/ops host names for the DHT', () => {
  it('parses name:port entries and leaves addresses and garbage alone', () => {
    expect(parseHostNameEndpoint('tau-0:7000')).to.deep.equal({ host: 'tau-0', port: 7000 })
    expect(parseHostNameEndpoint('node.example.org:1')).to.deep.equal({ host: 'node.example.org', port: 1 })
    for (const bad of ['tau-0', 'tau-0:0', 'tau-0:70000', '-x:1', 'a b:1', '1.2.3:4', 'x:y', `${'a'.repeat(64)}:1`]) {
      expect(parseHostNameEndpoint(bad), bad).to.equal(undefined)
    }
  })

  it('accepts host-name bootstrap entries in the config, still refusing bad ones with a code', () => {
    const cfg = loadConfig({ bootstrap: 'tau-0:7000,127.0.0.1:7001' }, {})
    expect(cfg.bootstrap).to.deep.equal([{ host: 'tau-0', port: 7000 }, { host: '127.0.0.1', port: 7001 }])
    expect(() => loadConfig({ bootstrap: 'tau 0:7000' }, {})).to.throw(/CONFIG_BAD_VALUE/)
  })

  it('resolves names at start (localhost from the hosts file) and keeps addresses', async () => {
    const r = await resolveBootstrap([{ host: 'localhost', port: 7000 }, { host: '127.0.0.2', port: 7001 }], { attempts: 2, intervalMs: 10 })
    expect(r).to.deep.equal([{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.2', port: 7001 }])
  })

  it('dht-host auto picks a non-loopback IPv4 address; other values pass through', () => {
    expect(resolveDhtHost('127.0.0.1')).to.equal('127.0.0.1')
    let auto = ''
    try { auto = resolveDhtHost('auto') } catch (e) { expect((e as Error).message).to.contain('DHT_HOST_AUTO'); return }
    expect(auto).to.match(/^\d+\.\d+\.\d+\.\d+$/)
    expect(auto.startsWith('127.')).to.equal(false)
  })
})
