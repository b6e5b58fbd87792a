#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript, run through tsx's ESM loader so no build step is needed.
import { register } from 'tsx/esm/api'
register()
await import('../node/cli.ts')
