#!/usr/bin/env node
// Thin launcher: runs the compiled CLI (dist/, written by `npm run build`, which `npm install` and
// `npm ci` run through `prepare`). In a checkout whose sources changed since the last build (or that
// was never built), it runs the TypeScript sources through tsx instead (a devDependency), so a stale
// dist/ is never run; an installed package ships dist/ alone.
// It also hands V8's young generation to node/youngGeneration.ts (small when idle, grown during a long
// sync) unless the user sized it (a semi-space flag in argv or NODE_OPTIONS).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { distState } from './compiled.mjs'

const root = new URL('../', import.meta.url)
// TAU_RUN_SOURCES=1: run the sources through tsx even when dist/ is current (a checkout only).
const state = process.env.TAU_RUN_SOURCES === '1' ? 'bypassed' : distState(fileURLToPath(root))
let from = '../dist/'
let ext = '.js'
if (state !== 'fresh') {
  if (!existsSync(new URL('node/cli.ts', root))) {
    process.stderr.write('tau-node: the compiled code (dist/) is missing: run `npm run build` in the package directory\n')
    process.exit(1)
  }
  let register
  try { ({ register } = await import('tsx/esm/api')) } catch {
    process.stderr.write(`tau-node: dist/ is ${state} and tsx is not installed to run the sources: run \`npm run build\`\n`)
    process.exit(1)
  }
  register()
  if (process.stderr.isTTY && state !== 'bypassed') process.stderr.write(`tau-node: dist/ is ${state}; running the sources through tsx (\`npm run build\` to compile)\n`)
  from = '../'
  ext = '.ts'
}
const userSized = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some(a => /semi[-_]space/.test(a))
if (!userSized) (await import(`${from}node/youngGeneration${ext}`)).manageYoungGeneration()
await import(`${from}node/cli${ext}`)
