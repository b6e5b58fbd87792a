// The lint that `npm test` runs (biome.jsonc) must be able to fail: each rule is run on probe files
// written into a temporary copy of the tree's layout, with the repository's own configuration.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BIOME_BIN = join(REPO, 'node_modules/@biomejs/biome/bin/biome')
/** Longest one Biome run may take on a loaded machine before the test gives up. */
const BIOME_RUN_TIMEOUT_MS = 15_000

interface Diagnostic { category: string, location: { path: string, start: { line: number } } }
interface LintRun { status: number | null, diagnostics: Diagnostic[] }

/** Probe files: path → source. Lines are numbered from 1 in the assertions below. */
const PROBES: Record<string, string> = {
  // chain/ may use node built-ins and its own modules, nothing of rxjs, dht/ or node/.
  'chain/crypto.ts': 'export const sha = 1\n',
  'chain/bad.ts': [
    "import { Subject } from 'rxjs'",
    "import type { Getter } from '../dht/get.js'",
    "import { TauNode } from '../node/node.js'",
    "export { DhtEngine } from '../dht/index.js'",
    "import { sha } from './crypto.js'",
    "import { createHash } from 'node:crypto'",
    'export const all = [Subject, TauNode, sha, createHash]',
    'export type G = Getter',
    ''
  ].join('\n'),
  'chain/deep/bad.ts': "import { Chain } from '../../node/chainLike.js'\nexport const c = Chain\n",
  // dht/ may use chain's primitives only.
  'dht/bad.ts': [
    "import { Chain } from '../chain/chain.js'",
    "import { validateBlock } from '../chain/consensus/validateBlock.js'",
    "import { TxPool } from '../chain/pool/pool.js'",
    "import { blockId } from '../chain/block.js'",
    "import { Subject } from 'rxjs'",
    "import { TauNode } from '../node/node.js'",
    "import { Lru } from '../chain/store/lru.js'",
    'export const all = [Chain, validateBlock, TxPool, blockId, Subject, TauNode, Lru]',
    ''
  ].join('\n'),
  'dht/good.ts': [
    "import { sha256 } from '../chain/crypto.js'",
    "import { toHex } from '../chain/hex.js'",
    "import { decodeWith } from '../chain/codec.js'",
    "import { CodecError } from '../chain/errors.js'",
    "import { MAX_ITEM_BYTES } from '../chain/constants.js'",
    "import { encode } from '../chain/bencode.js'",
    "import { Lru } from '../chain/lru.js'",
    "import { isIPv4 } from 'node:net'",
    'export const all = [sha256, toHex, decodeWith, CodecError, MAX_ITEM_BYTES, encode, Lru, isIPv4]',
    ''
  ].join('\n'),
  // node/ sits on top: it may import everything.
  'node/good.ts': [
    "import { Subject } from 'rxjs'",
    "import { Chain } from '../chain/chain.js'",
    "import { Getter } from '../dht/get.js'",
    'export const all = [Subject, Chain, Getter]',
    ''
  ].join('\n'),
  // A cycle, an unused import, an unused variable and an unused private method.
  'node/cycleA.ts': "import { b } from './cycleB.js'\nexport const a = (): number => b() + 1\n",
  'node/cycleB.ts': "import { a } from './cycleA.js'\nexport const b = (): number => a() - 1\n",
  'node/unused.ts': [
    "import { readFileSync } from 'node:fs'",
    'export function f (): number {',
    '  const unusedLocal = 2',
    '  return 1',
    '}',
    'export class K {',
    '  private neverCalled (): number { return 1 }',
    '}',
    ''
  ].join('\n')
}

function runBiome (cwd: string, paths: string[]): LintRun {
  const r = spawnSync(process.execPath, [BIOME_BIN, 'lint', '--reporter=json', '--max-diagnostics=200', ...paths], {
    cwd, encoding: 'utf8', timeout: BIOME_RUN_TIMEOUT_MS
  })
  if (r.error !== undefined) throw r.error
  const report = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }
  return { status: r.status, diagnostics: report.diagnostics }
}

/** `file:line` of every diagnostic of one rule. */
function hits (run: LintRun, rule: string): string[] {
  return run.diagnostics
    .filter(d => d.category === `lint/${rule}`)
    .map(d => `${d.location.path}:${d.location.start.line}`)
    .sort()
}

describe('lint (biome.jsonc): the layer rules and the hygiene rules fail on probes', function () {
  this.timeout(2 * BIOME_RUN_TIMEOUT_MS + 5_000)
  let dir = ''
  let all: LintRun
  let clean: LintRun

  before(() => {
    dir = makeTmpDir('tau-lint-')
    // The repository's configuration, without its $schema pointer into node_modules.
    const config = readFileSync(join(REPO, 'biome.jsonc'), 'utf8').replace(/^\s*"\$schema".*\n/m, '')
    writeFileSync(join(dir, 'biome.jsonc'), config)
    for (const [path, source] of Object.entries(PROBES)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), source)
    }
    all = runBiome(dir, ['.'])
    clean = runBiome(dir, ['chain/crypto.ts', 'dht/good.ts', 'node/good.ts'])
  })

  after(() => { removeDir(dir) })

  it('exits non-zero when a rule is broken, zero when none is', () => {
    expect(all.status).to.equal(1)
    expect(all.diagnostics.length).to.be.greaterThan(0)
    expect(clean.status).to.equal(0)
    expect(clean.diagnostics).to.deep.equal([])
  })

  it('chain/ may not import rxjs, dht/ or node/ (import, import type, re-export, any depth)', () => {
    const chainHits = hits(all, 'style/noRestrictedImports').filter(h => h.startsWith('chain/'))
    expect(chainHits).to.deep.equal(['chain/bad.ts:1', 'chain/bad.ts:2', 'chain/bad.ts:3', 'chain/bad.ts:4', 'chain/deep/bad.ts:1'])
  })

  it('dht/ may import chain primitives but not chain rules, state, pool, rxjs or node/', () => {
    const dhtHits = hits(all, 'style/noRestrictedImports').filter(h => h.startsWith('dht/'))
    expect(dhtHits).to.deep.equal(['dht/bad.ts:1', 'dht/bad.ts:2', 'dht/bad.ts:3', 'dht/bad.ts:4', 'dht/bad.ts:5', 'dht/bad.ts:6', 'dht/bad.ts:7'])
  })

  it('node/ may import every layer', () => {
    expect(all.diagnostics.filter(d => d.location.path === 'node/good.ts')).to.deep.equal([])
  })

  it('finds import cycles, unused imports, variables and private members', () => {
    expect(hits(all, 'suspicious/noImportCycles')).to.deep.equal(['node/cycleA.ts:1', 'node/cycleB.ts:1'])
    expect(hits(all, 'correctness/noUnusedImports')).to.deep.equal(['node/unused.ts:1'])
    expect(hits(all, 'correctness/noUnusedVariables')).to.deep.equal(['node/unused.ts:3'])
    expect(hits(all, 'correctness/noUnusedPrivateClassMembers')).to.deep.equal(['node/unused.ts:7'])
  })
})
