// Wallet pieces without a node: amounts, exit codes, the drop book, start-up error lines, and the
// embedded genesis default (found from any working directory).
import { expect } from 'chai'
import { join } from 'node:path'
import { ChainError } from '../../../chain/errors.js'
import { NodeError } from '../../../node/errors.js'
import { DhtError } from '../../../dht/errors.js'
import { DEFAULTS, loadConfig } from '../../../node/config.js'
import { DroppedTxs } from '../../../node/droppedTxs.js'
import { explainStartError } from '../../../node/startErrors.js'
import { formatAmount, parseAmount } from '../../../node/wallet/amount.js'
import { EXIT, WalletError, exitCodeOf } from '../../../node/wallet/errors.js'
import { WalletContext } from '../../../node/wallet/options.js'
import { devKey } from '../../../chain/devkeys.js'
import { toHex } from '../../../chain/hex.js'
import { writeFileSync } from 'node:fs'
import { makeTmpDir, removeDir } from '../../helpers/tmp.js'

describe('node/wallet pieces', () => {
  it('parses integer amounts only and groups thousands in output', () => {
    expect(parseAmount('1234567', '--amount')).to.equal(1234567)
    for (const bad of ['1,000', '1.5', '-3', '', '0', '9007199254740992', '1e3']) {
      expect(() => parseAmount(bad, '--amount'), bad).to.throw(WalletError, /WALLET_BAD_ARGUMENT/)
    }
    expect(parseAmount('0', '--fee', 0)).to.equal(0)
    expect(formatAmount(1234567)).to.equal('1,234,567')
    expect(formatAmount('9007199254740991')).to.equal('9,007,199,254,740,991')
    expect(formatAmount(12)).to.equal('12')
  })

  it('maps codes to the documented exit codes', () => {
    expect(exitCodeOf(new ChainError('KEYFILE_BAD_PASSPHRASE', 'x'))).to.equal(EXIT.KEY)
    expect(exitCodeOf(new ChainError('POOL_FULL', 'x'))).to.equal(EXIT.REFUSED_BY_NODE)
    expect(exitCodeOf(new NodeError('TX_NOT_FOUND', 'x'))).to.equal(EXIT.UNKNOWN_TX)
    expect(exitCodeOf(new WalletError('WALLET_TX_DROPPED', 'x', EXIT.DROPPED))).to.equal(8)
    expect(exitCodeOf(new Error('bug'))).to.equal(EXIT.OTHER)
  })

  it('remembers drops bounded by count and age, newest kept', () => {
    let now = 0
    const d = new DroppedTxs(2, 1000, () => now)
    d.add('a', 'replaced', 'b')
    d.add('c', 'evicted')
    d.add('e', 'expired')
    expect(d.size).to.equal(2)
    expect(d.get('a')).to.equal(undefined)
    expect(d.get('c')?.reason).to.equal('evicted')
    now = 1001
    expect(d.get('e')).to.equal(undefined)
    d.add('f', 'nonce-used')
    d.forget('f')
    expect(d.get('f')).to.equal(undefined)
  })

  it('turns busy ports into one coded line naming the flag', () => {
    const cfg = { ...DEFAULTS, dhtHost: '127.0.0.1', dhtPort: 7881, apiHost: '127.0.0.1', apiPort: 8080 }
    const dht = explainStartError(new DhtError('DHT_LISTEN_FAILED', 'cannot listen on 127.0.0.1:7881: bind EADDRINUSE 127.0.0.1:7881'), cfg)
    expect(dht?.code).to.equal('START_DHT_PORT_IN_USE')
    expect(dht?.message).to.contain('--dht-port').and.to.contain('7881')
    const apiErr = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'), { code: 'EADDRINUSE', syscall: 'listen' })
    const api = explainStartError(apiErr, cfg)
    expect(api?.code).to.equal('START_API_PORT_IN_USE')
    expect(api?.message).to.contain('--api-port')
    const host = explainStartError(Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL', syscall: 'listen' }), cfg)
    expect(host?.message).to.contain('--api-host')
    expect(explainStartError(new Error('something else'), cfg)).to.equal(undefined)
  })

  it('defaults to the genesis.json shipped beside the code, not one in the working directory', () => {
    const cfg = loadConfig({}, {})
    expect(cfg.genesis).to.equal(join(process.cwd(), 'genesis.json')) // tests run from the repo root
    const cwd = process.cwd()
    process.chdir('/tmp')
    try {
      expect(loadConfig({}, {}).genesis).to.equal(cfg.genesis)
      expect(loadConfig({ genesis: 'other.json' }, {}).genesis).to.equal('/tmp/other.json')
    } finally {
      process.chdir(cwd)
    }
  })

  it("finds the node's API and key as start does: flag, then TAU_* variable, then --config file, then defaults", () => {
    const dir = makeTmpDir('tau-wallet-cfg-')
    try {
      const file = join(dir, 'c.json')
      writeFileSync(file, JSON.stringify({ 'api-port': 8181, 'data-dir': dir }))
      expect(new WalletContext({}, {}).apiBase).to.equal('http://127.0.0.1:8080')
      expect(new WalletContext({ config: file }, {}).apiBase).to.equal('http://127.0.0.1:8181')
      expect(new WalletContext({ config: file }, { TAU_API_PORT: '8282' }).apiBase).to.equal('http://127.0.0.1:8282')
      expect(new WalletContext({ config: file, 'api-port': '8383' }, { TAU_API_PORT: '8282' }).apiBase).to.equal('http://127.0.0.1:8383')
      expect(new WalletContext({ api: 'http://10.0.0.1:1' }, { TAU_API: 'http://127.0.0.1:2' }).apiBase).to.equal('http://10.0.0.1:1')
      expect(new WalletContext({ config: file }, {}).keyPath).to.equal(join(dir, 'key.json'))
      expect(toHex(new WalletContext({ 'dev-key': '2' }, {}).publicKey())).to.equal(toHex(devKey(2).publicKey))
    } finally {
      removeDir(dir)
    }
  })
})
