// Headless Chromium for the UI tests: Debian's `chromium` driven by puppeteer-core (which never
// downloads a browser). Pages record script errors, console errors and every request, so tests can
// assert "no console errors" and "no admin route". Screenshots go to test-output/ (gitignored).
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { REPO_ROOT } from '../../scripts/testnet/network.js'

export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser']
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'ui')

export function chromiumPath (): string | undefined {
  const env = process.env.TAU_CHROMIUM
  if (env !== undefined && env !== '' && existsSync(env)) return env
  return CHROMIUM_PATHS.find(p => existsSync(p))
}

export async function launchBrowser (path: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return await puppeteer.launch({ executablePath: path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], protocolTimeout: 60_000 })
}

export interface WatchedPage {
  page: Page
  /** Script errors and console errors/warnings, with the page URL they came from. */
  errors: string[]
  /** "METHOD url" of every request the page made. */
  requests: string[]
}

export async function watchedPage (browser: Browser, width = 1100, height = 800): Promise<WatchedPage> {
  const page = await browser.newPage()
  await page.setViewport({ width, height })
  page.setDefaultTimeout(30_000)
  const w: WatchedPage = { page, errors: [], requests: [] }
  page.on('pageerror', e => { w.errors.push(`pageerror ${(e as Error).message} at ${page.url()}`) })
  page.on('console', m => {
    if (m.type() !== 'error' && m.type() !== 'warn') return
    // Chromium logs every 4xx answer as a console error. A 404 from a JSON route is how the
    // explorer learns "no such block/tx" (search probes, the not-found page): that one is expected.
    const url = m.location().url ?? ''
    if (/status of 404/.test(m.text()) && /\/(block|tx|block-height)\//.test(url)) return
    w.errors.push(`console.${m.type()} ${m.text()} (${url}) at ${page.url()}`)
  })
  page.on('request', r => { w.requests.push(`${r.method()} ${r.url()}`) })
  return w
}

export async function screenshot (page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
