// `npm run build` (also run by `npm install`/`npm ci` through `prepare`): compiles the node's
// TypeScript file by file with esbuild into dist/, in the sources' layout, and copies the files the
// code finds beside itself (the verify worker, the store-repair child, the UI sources and shells).
// esbuild, not tsc: measured 4x faster here and a production dependency, so the build also runs under
// `npm ci --omit=dev` (docs/performance.md, "Round 4: compiled build and memory"). Type checking
// stays `npm run typecheck`. Plain JavaScript so it runs before anything is built.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { COPIED_DIRS, STAMP, sourceFiles } from '../bin/compiled.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const started = performance.now()
const startedAt = new Date()
const next = join(root, 'dist.next')
rmSync(next, { recursive: true, force: true })

const inCopied = (f) => COPIED_DIRS.some(d => f.startsWith(`${d}/`))
const files = sourceFiles(root)
const entries = files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts') && !inCopied(f))
await build({
  entryPoints: entries.map(f => join(root, f)),
  outdir: next,
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  logLevel: 'warning'
})
let copied = 0
for (const f of files) {
  if (!(f.endsWith('.mjs') || inCopied(f))) continue
  mkdirSync(dirname(join(next, f)), { recursive: true })
  cpSync(join(root, f), join(next, f))
  copied++
}
// Swapped in whole, so a node starting meanwhile sees the old build or the new one, not half of one.
const dist = join(root, 'dist')
const old = join(root, 'dist.old')
rmSync(old, { recursive: true, force: true })
writeFileSync(join(next, STAMP), `${JSON.stringify({ compiled: entries.length, copied, builtAt: startedAt.toISOString() })}\n`)
// Dated when the build began: a source saved while it ran is newer, so the build counts as stale.
utimesSync(join(next, STAMP), startedAt, startedAt)
if (existsSync(dist)) renameSync(dist, old)
renameSync(next, dist)
rmSync(old, { recursive: true, force: true })
console.log(`build: ${entries.length} files compiled, ${copied} copied into dist/ in ${Math.round(performance.now() - started)} ms`)
