// Issue 19 in a real browser: headless Chromium (Debian's package, driven by puppeteer-core) against
// a 3-node testnet of real node processes (UDP DHTs and APIs on 127.0.0.1, LevelDB in temp dirs).
// node-0's explorer: live dashboard, live account pages, search, not found, back button, every page
// at desktop and 360 px width with a screenshot, no console errors, no admin route. The network
// dashboard: all three nodes with equal tip hashes. Skipped only when no chromium binary exists.
import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'puppeteer-core'
import { fromHex, toHex } from '../../chain/hex.js'
import { createTransfer, encodeTx } from '../../chain/tx.js'
import { type Dashboard, startDashboard } from '../../scripts/testnet/dashboard/server.js'
import { dashboardTargets } from '../../scripts/testnet/dashboard/targets.js'
import { blocksTimeoutMs, healthyTimeoutMs } from '../../scripts/testnet/constants.js'
import { Testnet } from '../../scripts/testnet/network.js'
import { type WatchedPage, chromiumPath, launchBrowser, screenshot, watchedPage } from '../helpers/browser.js'
import { waitFor } from '../helpers/wait.js'
import { Router, createApiServer } from '../../node/api/http.js'
import { webHooks } from '../../node/api/web.js'
import { createLogger } from '../../node/logger.js'

const T = 10
const UI_WAIT_MS = 30_000

/** The DOM as the callbacks run in the page see it (this project type-checks without the DOM lib). */
interface El { innerText: string, textContent: string | null, value: string, getAttribute: (name: string) => string | null }
const hashIs = (h: string): string => `location.hash === ${JSON.stringify(h)}`

describe('explorer and testnet dashboard in headless Chromium (real nodes)', function () {
  this.timeout(10 * 60_000)
  let net: Testnet | undefined
  let dash: Dashboard | undefined
  let browser: Browser | undefined
  let base = ''
  // Each explorer page holds an /events stream, and Chromium opens at most 6 connections per
  // origin: pages are closed after each test (and in loops), their errors and requests kept here.
  let pages: WatchedPage[] = []
  const errors: string[] = []
  const requests: string[] = []
  const closeAll = async (): Promise<void> => {
    for (const w of pages) { await w.page.close().catch(() => {}); errors.push(...w.errors); requests.push(...w.requests) }
    pages = []
  }
  const transfer = { id: '', from: '', to: '' }

  const open = async (hash: string, width?: number): Promise<WatchedPage> => {
    if (browser === undefined) throw new Error('no browser')
    const w = await watchedPage(browser, width)
    pages.push(w)
    await w.page.goto(`${base}/${hash}`, { waitUntil: 'domcontentloaded' })
    return w
  }
  const text = async (page: Page, sel: string): Promise<string> => {
    await page.waitForSelector(sel, { timeout: UI_WAIT_MS })
    return await page.$eval(sel, e => (e as unknown as El).innerText.trim())
  }
  const describeNet = async (): Promise<string> => await net?.describe() ?? ''

  before(async function () {
    const exe = chromiumPath()
    if (exe === undefined) {
      console.log('    skipped: no chromium binary (/usr/bin/chromium); install Debian\'s `chromium` package (.ci/run does)')
      this.skip()
    }
    net = await Testnet.create({ nodes: 3, blockTime: T, mutableRange: 6, seed: 'tau-node-explorer' })
    const n = net
    dash = await startDashboard(0, () => dashboardTargets(n))
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T) })
    await net.waitConverged({ minHeight: 1, timeoutMs: blocksTimeoutMs(2, T), what: 'the first block on every node' })
    base = net.nodeAt(0).api.base
    browser = await launchBrowser(exe as string)
  })

  afterEach(async () => { await closeAll() })

  after(async () => {
    await closeAll()
    await browser?.close()
    await dash?.close()
    if (net !== undefined) { await net.stop(); net.removeDir() }
  })

  it("the dashboard shows the node's real height and updates when the next block is mined, without a reload", async () => {
    const { page } = await open('#/')
    const api = net!.nodeAt(0).api
    // The page and the node agree on the height (both move, so compare until they meet).
    const shown = await waitFor(async () => {
      const h = Number(await text(page, '#stat-height'))
      return h === (await api.status()).height ? h : undefined
    }, { timeoutMs: UI_WAIT_MS, what: 'the dashboard height to equal /status' })
    await page.evaluate('window.reloadMarker = 19')
    const next = await waitFor(async () => {
      const h = Number(await page.$eval('#stat-height', e => e.textContent))
      return h > shown ? h : undefined
    }, { timeoutMs: blocksTimeoutMs(2, T), what: 'the dashboard to show the next block', describe: describeNet })
    expect(next).to.be.greaterThan(shown)
    expect(await page.evaluate('window.reloadMarker'), 'same document: no reload').to.equal(19)
    expect(await page.$$eval('#activity li.ev-block', l => l.length), 'the block arrived through /events').to.be.at.least(1)
    const tip = (await api.status()).tipId
    await waitFor(async () => (await page.$eval('#stat-tip', e => e.getAttribute('data-id'))) === (await api.status()).tipId || undefined, { timeoutMs: UI_WAIT_MS, what: `tip ${tip} on the dashboard` })
    await page.waitForSelector('.chart canvas', { timeout: UI_WAIT_MS })
    await screenshot(page, 'explorer-dashboard-live')
  })

  it("a transfer sent during the test appears on both accounts' pages without a reload", async () => {
    const from = net!.nodes[0]; const to = net!.nodes[2]
    const sender = await open(`#/account/${from.pubkey}`)
    const receiver = await open(`#/account/${to.pubkey}`)
    await text(sender.page, '#acct-balance'); await text(receiver.page, '#acct-balance')
    const nonce = (await net!.nodeAt(0).api.account(from.pubkey))?.nonce ?? 0
    const tx = createTransfer(from.key.secretKey, from.key.publicKey, {
      chainId: net!.genesis.chainId, to: fromHex(to.pubkey), amount: 4_321, fee: 3, nonce: nonce + 1, timestamp: Math.floor(Date.now() / 1000)
    })
    transfer.id = await net!.nodeAt(0).api.submitTx(toHex(encodeTx(tx)))
    transfer.from = from.pubkey; transfer.to = to.pubkey
    for (const w of [sender, receiver]) {
      await w.page.waitForSelector(`#view a[href="#/tx/${transfer.id}"]`, { timeout: blocksTimeoutMs(4, T) })
    }
    // Mined (not just pooled): the row links its block.
    await waitFor(async () => {
      const rows = await receiver.page.$$eval('table.txs tbody tr', trs => trs.map(r => r.textContent ?? ''))
      return (await net!.nodeAt(0).api.tx(transfer.id))?.status === 'mined' && rows.some(r => r.includes('4,321') && !r.includes('pool')) ? true : undefined
    }, { timeoutMs: blocksTimeoutMs(4, T), what: 'the transfer to be mined and shown on the receiver page', describe: describeNet })
    expect(await text(receiver.page, 'table.txs'), 'incoming on the receiver').to.match(/\bin\b/)
    await waitFor(async () => (await sender.page.$$eval('table.txs tbody tr', trs => trs.map(r => r.textContent ?? ''))).some(r => r.includes('out') && r.includes('4,321')) || undefined,
      { timeoutMs: blocksTimeoutMs(2, T), what: 'the transfer as outgoing on the sender page' })
    await screenshot(receiver.page, 'explorer-account')
  })

  it('search by height, block id, tx id and key each lands on the right page (keyboard only)', async () => {
    expect(transfer.id, 'the transfer test ran first').to.have.length(64)
    const api = net!.nodeAt(0).api
    const located = await api.tx(transfer.id)
    const height = located?.block?.height ?? 1
    const blockId = (await (await fetch(`${base}/block-height/${height}`)).json() as { id: string }).id
    const { page } = await open('#/')
    const search = async (q: string, hash: string, sel: string): Promise<string> => {
      await page.focus('#q')
      await page.$eval('#q', e => { (e as unknown as El).value = '' })
      await page.keyboard.type(q)
      await page.keyboard.press('Enter')
      await page.waitForFunction(hashIs(hash), { timeout: UI_WAIT_MS })
      return await text(page, sel)
    }
    expect(await search(String(height), `#/block/${blockId}`, '#block-height')).to.equal(String(height))
    expect(await search(blockId, `#/block/${blockId}`, '#block-facts')).to.include(blockId)
    expect(await search(transfer.id, `#/tx/${transfer.id}`, '#tx-facts')).to.include(transfer.id)
    await screenshot(page, 'explorer-tx')
    expect(await search(transfer.to.toUpperCase(), `#/account/${transfer.to}`, '#acct-facts')).to.include(transfer.to)
    // Back goes to the previous page (the search's own entry is replaced), forward again.
    await page.goBack()
    await page.waitForFunction(hashIs(`#/tx/${transfer.id}`), { timeout: UI_WAIT_MS })
    expect(await text(page, '#tx-facts')).to.include(transfer.id)
  })

  it('keyboard: the skip link focuses the page without changing the URL; Tab and Enter follow the navigation', async () => {
    const { page } = await open('#/pool')
    await text(page, '#pool-size')
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement.className')).to.equal('skip')
    await page.keyboard.press('Enter')
    expect(await page.evaluate('document.activeElement.id')).to.equal('view')
    expect(await page.evaluate('location.hash')).to.equal('#/pool')
    await page.focus('a[href="#/blocks"]')
    await page.keyboard.press('Enter')
    await page.waitForFunction(hashIs('#/blocks'), { timeout: UI_WAIT_MS })
    await text(page, '#block-list')
    expect(await page.evaluate('document.activeElement.tagName'), 'focus moves to the new page heading').to.equal('H1')
  })

  it('an unknown id, height or path shows a not-found page', async () => {
    const unknown = randomBytes(32).toString('hex')
    for (const hash of [`#/search/${unknown}`, `#/block/${unknown}`, `#/tx/${unknown}`, '#/search/99999999', '#/search/%E0%A4%A', '#/no-such-page']) {
      const { page } = await open(hash)
      expect(await text(page, '#not-found h1'), hash).to.equal('Not found')
      if (hash.startsWith('#/block/')) await screenshot(page, 'explorer-not-found')
      await closeAll()
    }
  })

  it('every page renders at desktop and 360 px wide (no sideways page scroll), with a screenshot', async () => {
    const st = await net!.nodeAt(0).api.status()
    const list: Array<[string, string, string]> = [
      ['dashboard', '#/', '#stat-height'], ['blocks', '#/blocks', '#block-list'], ['blocks-older', '#/blocks?before=2', '#block-list'],
      ['block', `#/block/${st.tipId}`, '#block-facts'], ['tx', `#/tx/${transfer.id}`, '#tx-facts'], ['account', `#/account/${transfer.from}`, '#acct-facts'],
      ['pool', '#/pool', '#pool-size'], ['peers', '#/peers', '#peer-list'], ['votes', '#/votes', '#view h1']
    ]
    for (const [name, hash, sel] of list) {
      const desk = await open(hash)
      await text(desk.page, sel)
      await screenshot(desk.page, `explorer-${name}`)
      const narrow = await open(hash, 360)
      await text(narrow.page, sel)
      const overflow = Number(await narrow.page.evaluate('document.documentElement.scrollWidth'))
      expect(overflow, `${name} fits 360 px`).to.be.at.most(360)
      await screenshot(narrow.page, `explorer-${name}-360`)
      await closeAll()
    }
    expect(await text((await open('#/votes')).page, '#view'), 'the start-up vote is shown').to.match(/Last round/).and.match(/reason/)
  })

  it('the network dashboard lists all three nodes with equal tip hashes', async () => {
    if (browser === undefined || dash === undefined) throw new Error('not started')
    const w = await watchedPage(browser)
    pages.push(w)
    await w.page.goto(dash.url, { waitUntil: 'domcontentloaded' })
    const tips = await waitFor(async () => {
      const t = await w.page.$$eval('#node-table .node-tip', l => l.map(e => e.getAttribute('data-tip') ?? ''))
      return t.length === 3 && new Set(t).size === 1 ? t : undefined
    }, { timeoutMs: blocksTimeoutMs(3, T), what: 'three nodes with one tip on the dashboard', describe: describeNet })
    expect(tips[0]).to.match(/^[0-9a-f]{64}$/)
    expect((await fetch(`${base}/block/${tips[0]}`)).status, 'a real block').to.equal(200)
    expect(await w.page.$$eval('#node-table tbody tr', l => l.length)).to.equal(3)
    expect(await w.page.$$eval('#timeline rect.blk', l => l.length), 'the timeline draws blocks').to.be.at.least(1)
    await screenshot(w.page, 'testnet-dashboard')
  })

  it('CORS in the browser: a page on an --api-cors origin reads the API and its events; any other origin and the authorization header are refused', async () => {
    if (browser === undefined) throw new Error('no browser')
    const listen = async (srv: Server): Promise<string> => {
      await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
      return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
    }
    // Two plain pages (no CSP of their own) on two origins, and an API allowing only the first.
    const blank = (): Server => createServer((_q, r) => { r.writeHead(200, { 'content-type': 'text/html' }); r.end('<!doctype html><title>x</title>') })
    const allowed = blank(); const other = blank()
    const [allowedOrigin, otherOrigin] = [await listen(allowed), await listen(other)]
    const log = createLogger('error', 'json')
    const router = new Router().add('GET', '/status', () => ({ body: { height: 7 } }))
      .add('POST', '/admin/x', () => ({ body: { done: true } }))
      .add('GET', '/events', () => ({ stream: res => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.write('event: block\ndata: {"height":8}\n\n') } }))
    const api = createApiServer(router, log, { hooks: webHooks({ ui: false, cors: [allowedOrigin] }, log) })
    const apiBase = await listen(api)
    const probe = (base: string): string => `(async () => {
      const out = {}
      try { out.status = (await (await fetch('${base}/status')).json()).height } catch (e) { out.status = 'refused' }
      try { await fetch('${base}/admin/x', { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{}' }); out.admin = 'sent' } catch (e) { out.admin = 'refused' }
      out.event = await new Promise(resolve => {
        const es = new EventSource('${base}/events')
        es.addEventListener('block', ev => { es.close(); resolve(JSON.parse(ev.data).height) })
        es.onerror = () => { es.close(); resolve('refused') }
      })
      return out
    })()`
    // A plain page, not the explorer's: its refused requests are this test's point, so it is not watched.
    const page = await browser.newPage()
    try {
      await page.goto(`${allowedOrigin}/`)
      expect(await page.evaluate(probe(apiBase))).to.deep.equal({ status: 7, admin: 'refused', event: 8 })
      await page.goto(`${otherOrigin}/`)
      expect(await page.evaluate(probe(apiBase))).to.deep.equal({ status: 'refused', admin: 'refused', event: 'refused' })
    } finally {
      await page.close()
      for (const srv of [allowed, other, api]) await new Promise(resolve => { srv.close(resolve); srv.closeAllConnections() })
    }
  })

  it('no page logged a script or console error, and none called an admin route', () => {
    expect(errors, errors.join('\n')).to.deep.equal([])
    expect(requests.length).to.be.greaterThan(20)
    const admin = requests.filter(r => /\/(mining|admin)\//.test(r) || (/^POST /.test(r)))
    expect(admin, admin.join('\n')).to.deep.equal([])
  })
})
