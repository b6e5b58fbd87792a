// The compiled build (scripts/build.mjs, run by `npm install`/`npm ci` through `prepare`): every
// source file has its compiled twin in dist/ in the same layout, every path the code finds from its
// own location (import.meta.url) resolves from dist/, the launcher tells a current build from a
// stale or missing one, and a package laid out as npm installs it (bin/, dist/, genesis.json,
// package.json, no sources, no tsx) runs the node from another directory: API, /status, the UI
// (bundled from dist/node/ui/src on first request).
import { expect } from 'chai'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { COPIED_DIRS, STAMP, distState, requireBuilt, sourceFiles } from '../../bin/compiled.mjs'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const ROOT = process.cwd()
const DIST = join(ROOT, 'dist')
const inCopied = (f: string): boolean => COPIED_DIRS.some(d => f.startsWith(`${d}/`))

function jsFiles (dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) jsFiles(p, out)
    else if (p.endsWith('.js') || p.endsWith('.mjs')) out.push(p)
  }
  return out
}

describe('compiled build (dist/)', function () {
  this.timeout(180_000)
  let tmp: string
  let child: ChildProcess | undefined

  before(() => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 150_000 })
    expect(r.status, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/build: \d+ files compiled/)
  })
  beforeEach(() => { tmp = makeTmpDir('tau-build-') })
  afterEach(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const c = child
      c.kill('SIGKILL')
      await new Promise(res => c.once('exit', res))
    }
    child = undefined
    removeDir(tmp)
  })

  it('has a compiled twin of every source file and a copy of every file read beside the code', () => {
    const files = sourceFiles(ROOT)
    expect(files.length).to.be.greaterThan(200)
    let compiled = 0
    for (const f of files) {
      if (f.endsWith('.ts') && !f.endsWith('.d.ts') && !inCopied(f)) {
        expect(existsSync(join(DIST, f.replace(/\.ts$/, '.js'))), f).to.equal(true)
        compiled++
      } else if (f.endsWith('.mjs') || inCopied(f)) {
        expect(readFileSync(join(DIST, f)).equals(readFileSync(join(ROOT, f))), f).to.equal(true)
      }
    }
    expect(compiled).to.be.greaterThan(200)
    expect(distState(ROOT)).to.equal('fresh')
    expect(() => { requireBuilt(ROOT) }).not.to.throw()
  })

  it('resolves every import.meta.url-relative path from dist/', async () => {
    // Every `new URL('<relative>', import.meta.url)` literal in the compiled code names a file there.
    let found = 0
    for (const file of jsFiles(DIST)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new URL\(\s*["'](\.{1,2}\/[^"']+)["'],\s*import\.meta\.url\s*\)/g)) {
        expect(existsSync(resolve(dirname(file), m[1])), `${file}: ${m[1]}`).to.equal(true)
        found++
      }
    }
    expect(found).to.be.at.least(2) // the verify worker and the store-repair child
    // The paths computed from the package root, and the UI (found from dist/node/ui).
    const { PACKAGE_ROOT } = await import(pathToFileURL(join(DIST, 'node/packageRoot.js')).href) as { PACKAGE_ROOT: string }
    expect(PACKAGE_ROOT).to.equal(ROOT)
    const { EMBEDDED_GENESIS } = await import(pathToFileURL(join(DIST, 'node/config.js')).href) as { EMBEDDED_GENESIS: string }
    expect(EMBEDDED_GENESIS).to.equal(join(ROOT, 'genesis.json'))
    const { VERSION } = await import(pathToFileURL(join(DIST, 'node/version.js')).href) as { VERSION: string }
    expect(VERSION).to.equal((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
    const { REPO_ROOT } = await import(pathToFileURL(join(DIST, 'scripts/testnet/network.js')).href) as { REPO_ROOT: string }
    expect(existsSync(join(REPO_ROOT, 'bin', 'tau-node.js'))).to.equal(true)
    const { uiAssets } = await import(pathToFileURL(join(DIST, 'node/ui/assets.js')).href) as { uiAssets: () => Promise<ReadonlyMap<string, { body: Buffer }>> }
    const ui = await uiAssets()
    for (const name of ['explorer.js', 'netdash.js', 'app.css', 'index.html', 'dashboard.html', 'favicon.svg']) expect(ui.get(name)?.body.length ?? 0, name).to.be.greaterThan(0)
  })

  it('tells a current build from a stale or missing one', () => {
    expect(distState(tmp)).to.equal('missing')
    expect(() => { requireBuilt(tmp) }).to.throw(/npm run build/)
    for (const d of ['chain', 'dht', 'node', 'scripts/testnet']) mkdirSync(join(tmp, d), { recursive: true })
    writeFileSync(join(tmp, 'node', 'cli.ts'), '')
    mkdirSync(join(tmp, 'dist'))
    writeFileSync(join(tmp, 'dist', STAMP), '{}')
    const past = new Date(Date.now() - 60_000)
    utimesSync(join(tmp, 'node', 'cli.ts'), past, past)
    expect(distState(tmp)).to.equal('fresh')
    writeFileSync(join(tmp, 'chain', 'new.ts'), '') // saved after the build
    utimesSync(join(tmp, 'chain', 'new.ts'), new Date(Date.now() + 1000), new Date(Date.now() + 1000))
    expect(distState(tmp)).to.equal('stale')
    expect(() => { requireBuilt(tmp) }).to.throw(/older than the sources/)
    rmSync(join(tmp, 'node', 'cli.ts')) // an installed package: no sources, never stale
    expect(distState(tmp)).to.equal('fresh')
  })

  it('runs from an installed layout without sources or tsx, from another directory', async () => {
    const pkg = join(tmp, 'pkg')
    mkdirSync(pkg)
    for (const f of ['bin', 'dist', 'genesis.json', 'package.json']) cpSync(join(ROOT, f), join(pkg, f), { recursive: true })
    // The production dependencies, without tsx (a devDependency): the compiled node must not need it.
    mkdirSync(join(pkg, 'node_modules'))
    for (const d of readdirSync(join(ROOT, 'node_modules'))) if (d !== 'tsx' && d !== '.bin') symlinkSync(join(ROOT, 'node_modules', d), join(pkg, 'node_modules', d))
    const bin = join(pkg, 'bin', 'tau-node.js')
    const version = spawnSync(process.execPath, [bin, '--version'], { cwd: tmp, encoding: 'utf8', timeout: 60_000 })
    expect(version.status, version.stderr).to.equal(0)
    expect(version.stdout.trim()).to.equal('0.1.0')

    const out: string[] = []
    const c = spawn(process.execPath, [bin, 'start', '--no-mine', '--data-dir', join(tmp, 'data'), '--dht-host', '127.0.0.1', '--dht-port', '0',
      '--api-host', '127.0.0.1', '--api-port', '0', '--log-format', 'json'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] })
    child = c
    c.stdout?.on('data', (b: Buffer) => out.push(...b.toString().split('\n')))
    c.stderr?.on('data', (b: Buffer) => out.push(...b.toString().split('\n')))
    const api = await waitFor(() => {
      for (const l of out) { const m = /"message":"API listening".*"url":"([^"]+)"/.exec(l) ?? /"url":"([^"]+)".*"message":"API listening"/.exec(l); if (m !== null) return m[1] }
      return undefined
    }, { timeoutMs: 90_000, what: 'API listening', describe: () => out.slice(-5).join('\n') })
    const status = await fetch(`${api}/status`)
    expect(status.status).to.equal(200)
    const body = await status.json() as { genesis?: unknown, height?: unknown }
    expect(body).to.be.an('object')
    const script = await fetch(`${api}/ui/explorer.js`)
    expect(script.status).to.equal(200)
    expect((await script.text()).length).to.be.greaterThan(1000)
    const exited = new Promise<number | null>(res => c.once('exit', code => res(code)))
    c.kill('SIGTERM')
    expect(await exited).to.equal(0)

    rmSync(join(pkg, 'dist'), { recursive: true })
    const missing = spawnSync(process.execPath, [bin, '--version'], { cwd: tmp, encoding: 'utf8', timeout: 60_000 })
    expect(missing.status).to.equal(1)
    expect(missing.stderr).to.match(/dist\/\) is missing: run `npm run build`/)
  })
})
