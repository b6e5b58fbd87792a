#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript, run through tsx's ESM loader so no build step is needed.
// It also keeps V8's young generation small (chain/constants.ts V8_SEMI_SPACE_GROWTH_FACTOR: an idle
// node kept a 32 MiB new space resident) unless the user sized it (a semi-space flag in argv or
// NODE_OPTIONS). V8 reads the growth factor whenever it grows the space, so setting it at run time
// works; a starting worker thread (tsx's loader, the sync's verify pool) resets V8's flags to their
// defaults, so it is set again each time one comes online (diagnostics channel 'worker_threads').
import { subscribe } from 'node:diagnostics_channel'
import { setFlagsFromString } from 'node:v8'
import { register } from 'tsx/esm/api'
register()
const { V8_SEMI_SPACE_GROWTH_FACTOR } = await import('../chain/constants.ts')
const userSized = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some(a => /semi[-_]space/.test(a))
if (!userSized) {
  const cap = () => { setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`) }
  cap()
  subscribe('worker_threads', ({ worker }) => { worker.once('online', cap) })
}
await import('../node/cli.ts')
