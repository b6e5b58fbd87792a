// The package's root directory (where package.json, genesis.json and bin/ are), from this file's own
// place: <root>/node/ when run from the sources, <root>/dist/node/ when run compiled (scripts/build.mjs
// keeps the sources' layout under dist/).
import { basename, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const above = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const PACKAGE_ROOT: string = basename(above) === 'dist' ? dirname(above) : above
