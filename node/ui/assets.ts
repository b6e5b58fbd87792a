// The UI's files, built once per process on first use: the TypeScript pages bundled by esbuild (with
// uPlot) into one script per page, uPlot's stylesheet joined to ours, and the HTML shells. Nothing is
// fetched from the network: everything comes from this package and its node_modules.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UI_BUILD_TIMEOUT_MS } from './constants.js'

/** A file, with its gzip form (the explorer's script is 71 KB, 31 KB gzipped). */
export interface Asset { body: Buffer, gzip: Buffer, type: string, etag: string }
export type AssetMap = ReadonlyMap<string, Asset>

const HERE = dirname(fileURLToPath(import.meta.url))
/** Entry points, by the script name the HTML shells load. */
const ENTRIES: Record<string, string> = { 'explorer.js': 'src/explorer.ts', 'netdash.js': 'src/netdash.ts' }
const SHELLS: Record<string, string> = { 'index.html': 'static/index.html', 'dashboard.html': 'static/dashboard.html' }

export class UiError extends Error {
  constructor (readonly code: 'UI_UNAVAILABLE', message: string) { super(message) }
}

function asset (body: Buffer, type: string): Asset {
  return { body, gzip: gzipSync(body), type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }
}

async function build (): Promise<AssetMap> {
  // Imported here, not at the top: a node whose UI nobody opens never starts esbuild's service.
  const esbuild = await import('esbuild')
  const out = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name.replace(/\.js$/, ''), join(HERE, src)])),
    bundle: true, write: false, format: 'esm', target: 'es2020', minify: true, outdir: '/ui-out', logLevel: 'silent', legalComments: 'none'
  })
  const map = new Map<string, Asset>()
  for (const f of out.outputFiles) map.set(f.path.slice('/ui-out/'.length), asset(Buffer.from(f.contents), 'text/javascript; charset=utf-8'))
  const require = createRequire(import.meta.url)
  const uplotCss = await readFile(require.resolve('uplot/dist/uPlot.min.css'))
  const ours = await readFile(join(HERE, 'static/app.css'))
  map.set('app.css', asset(Buffer.concat([uplotCss, Buffer.from('\n'), ours]), 'text/css; charset=utf-8'))
  for (const [name, file] of Object.entries(SHELLS)) map.set(name, asset(await readFile(join(HERE, file)), 'text/html; charset=utf-8'))
  map.set('favicon.svg', asset(await readFile(join(HERE, 'static/favicon.svg')), 'image/svg+xml'))
  return map
}

let built: Promise<AssetMap> | undefined

/** The built assets; the first call builds them (a failed build is retried by the next call). */
export async function uiAssets (): Promise<AssetMap> {
  built ??= withTimeout(build(), UI_BUILD_TIMEOUT_MS).catch((e: unknown) => {
    built = undefined
    throw new UiError('UI_UNAVAILABLE', `the UI could not be built: ${(e as Error).message}`)
  })
  return await built
}

async function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`build took over ${ms} ms`)) }, ms) })
  try { return await Promise.race([p, t]) } finally { clearTimeout(timer) }
}
