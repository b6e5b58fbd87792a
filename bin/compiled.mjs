// Where the compiled JavaScript lives and whether it is current. Shared by the launcher (which runs
// dist/ when it is current) and scripts/build.mjs (which writes it). Plain JavaScript: it must run
// before anything is compiled.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Source trees compiled file by file into dist/, keeping their layout (import.meta.url paths resolve). */
export const SOURCE_DIRS = ['chain', 'dht', 'node', 'scripts/testnet']
/** Read at run time from beside the compiled code, so copied as they are (the UI is bundled on first request). */
export const COPIED_DIRS = ['node/ui/src', 'node/ui/static']
/** Written last by the build: its mtime is the build's time. */
export const STAMP = 'BUILD.json'
/** Walk bound: the trees hold ~300 files; a tree past this is not ours. */
const MAX_FILES = 5000

/** Every source file (.ts, .mjs and the copied trees), as paths relative to `root`. */
export function sourceFiles (root) {
  const out = []
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (out.length >= MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${SOURCE_DIRS.join(', ')}`)
      const p = `${rel}/${e.name}`
      if (e.isDirectory()) { if (e.name !== 'node_modules') walk(p) } else out.push(p)
    }
  }
  for (const d of SOURCE_DIRS) walk(d)
  return out
}

/**
 * 'fresh': dist/ is there and no source is newer than its build; 'stale': a source changed since
 * (only a checkout has sources; an installed package ships dist/ alone and is never stale);
 * 'missing': no build.
 */
export function distState (root) {
  const stamp = join(root, 'dist', STAMP)
  if (!existsSync(stamp)) return 'missing'
  if (!existsSync(join(root, 'node', 'cli.ts'))) return 'fresh'
  const built = statSync(stamp).mtimeMs
  for (const f of sourceFiles(root)) if (statSync(join(root, f)).mtimeMs > built) return 'stale'
  return 'fresh'
}

/**
 * For the bench and the testnet, which run what users run: throws, saying to run `npm run build`,
 * unless dist/ is there and current (the launcher itself would fall back to the sources).
 */
export function requireBuilt (root) {
  const state = distState(root)
  if (state === 'missing') throw new Error('dist/ is missing (the compiled node): run `npm run build` first')
  if (state === 'stale') throw new Error('dist/ is older than the sources: run `npm run build` first')
}
