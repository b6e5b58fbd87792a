// The error codes per layer (chain/errors.ts, node/errors.ts): closed lists without repeats, the
// node's own class apart from ChainError, and the checks the CLI, wallet and API rely on.
import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CHAIN_ERROR_CODES, CODEC_ERROR_CODES, ChainError, isChainError } from '../../../chain/errors.js'
import { DhtError } from '../../../dht/errors.js'
import { NODE_ERROR_CODES, NodeError, isApiErrorCode, isChainOrNodeError, isCodedError, isNodeError } from '../../../node/errors.js'
import { WalletError, EXIT, exitCodeOf } from '../../../node/wallet/errors.js'

/** Every .ts file under dir (bounded: the repo's own source tree). */
function sources (dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) { if (name !== 'ui' || dir !== 'node') sources(p, out) } else if (name.endsWith('.ts')) out.push(p)
    if (out.length > 2000) throw new Error('source tree larger than expected')
  }
  return out
}

describe('error codes, one union per layer', () => {
  it('lists each code once per layer, in the CODE_NAME form', () => {
    for (const list of [CHAIN_ERROR_CODES, NODE_ERROR_CODES]) {
      expect(new Set(list).size).to.equal(list.length)
      for (const c of list) expect(c).to.match(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z]+$/)
    }
    for (const c of CODEC_ERROR_CODES) expect(c.startsWith('CODEC_')).to.equal(true)
  })

  it('every code thrown in chain/ is a chain code and every code thrown in node/ a node code', () => {
    const thrown = (dir: string, cls: string): Set<string> => {
      const found = new Set<string>()
      const re = new RegExp(`new ${cls}\\(\\s*'([A-Z0-9_]+)'`, 'g')
      for (const f of sources(dir)) for (const m of readFileSync(f, 'utf8').matchAll(re)) found.add(m[1])
      return found
    }
    const chain = new Set<string>(CHAIN_ERROR_CODES)
    const node = new Set<string>(NODE_ERROR_CODES)
    const inChain = [...thrown('chain', 'ChainError'), ...thrown('chain', 'CodecError')]
    expect(inChain.length).to.be.greaterThan(50)
    expect(inChain.filter(c => !chain.has(c))).to.deep.equal([])
    const inNode = [...thrown('node', 'NodeError'), ...thrown('node', 'WalletError')]
    expect(inNode.length).to.be.greaterThan(30)
    expect(inNode.filter(c => !node.has(c))).to.deep.equal([])
    expect(thrown('node', 'ChainError').size, 'node/ throws its own NodeError, not ChainError').to.equal(0)
  })

  it('tells the layers apart', () => {
    const n = new NodeError('CONFIG_BAD_VALUE', 'x')
    const c = new ChainError('POOL_FULL', 'y')
    const d = new DhtError('DHT_TIMEOUT', 'z')
    expect(n.message).to.equal('CONFIG_BAD_VALUE: x')
    expect(isChainError(n)).to.equal(false)
    expect(isNodeError(n, 'CONFIG_BAD_VALUE')).to.equal(true)
    expect(isNodeError(c)).to.equal(false)
    expect([n, c, d].map(e => isCodedError(e))).to.deep.equal([true, true, true])
    expect([n, c, d, new Error('plain')].map(e => isChainOrNodeError(e))).to.deep.equal([true, true, false, false])
    expect(isCodedError(Object.assign(new Error('duck'), { code: 'POOL_FULL' }))).to.equal(false)
  })

  it('knows the codes an API answer may carry, and the wallet maps them to exit codes', () => {
    expect(isApiErrorCode('POOL_FULL')).to.equal(true)
    expect(isApiErrorCode('TX_ALREADY_MINED')).to.equal(true)
    expect(isApiErrorCode('DHT_TIMEOUT')).to.equal(false)
    expect(isApiErrorCode('SOMETHING_NEW')).to.equal(false)
    const w = new WalletError('POOL_FULL', 'relayed', exitCodeOf(new ChainError('POOL_FULL', 'x')))
    expect(isNodeError(w)).to.equal(true)
    expect(exitCodeOf(w)).to.equal(EXIT.REFUSED_BY_NODE)
    expect(exitCodeOf(new NodeError('CONFIG_CONFLICT', 'x'))).to.equal(EXIT.USAGE)
  })
})
