// `npm run testnet -- --dashboard PORT` end to end with stand-in nodes (fixtures/fakeNode.mjs): the
// tool prints the dashboard's URL, the page and /state answer with every node, Ctrl-C closes it;
// a busy port fails the run before any node starts, with a coded message.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DashSnapshot } from '../../../../node/ui/src/netdash/snapshot.js'
import { REPO_ROOT } from '../../../../scripts/testnet/network.js'
import { waitFor } from '../../../helpers/wait.js'

const FAKE = fileURLToPath(new URL('./fixtures/fakeNode.mjs', import.meta.url))

function runTool (args: string[]): { out: () => string, exited: Promise<number | null>, kill: (s: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'testnet.ts'), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, TAU_TESTNET_NODE_SCRIPT: FAKE }, stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  return { out: () => out, exited: new Promise(resolve => child.once('exit', code => { resolve(code) })), kill: s => { child.kill(s) } }
}

describe('testnet --dashboard (stand-in nodes)', function () {
  this.timeout(90_000)

  it('serves the page and every node\'s state while the run lasts, and closes on Ctrl-C', async () => {
    const run = runTool(['--nodes', '2', '--duration', '120', '--json', '--dashboard', '0'])
    try {
      const url = await waitFor(() => /"phase":"dashboard","url":"([^"]+)"/.exec(run.out())?.[1], { timeoutMs: 30_000, what: 'the dashboard event', describe: run.out })
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      const page = await fetch(url)
      expect(page.headers.get('content-security-policy')).to.include("default-src 'none'")
      expect(await page.text()).to.include('/ui/netdash.js')
      expect((await fetch(`${url}ui/netdash.js`)).status).to.equal(200)
      const state = await waitFor(async () => {
        const s = await (await fetch(`${url}state`)).json() as DashSnapshot
        return s.nodes.length === 2 && s.nodes.every(n => n.up && n.height !== null) ? s : undefined
      }, { timeoutMs: 30_000, what: 'both stand-ins up on /state', describe: run.out })
      expect(state.nodes.map(n => n.name)).to.deep.equal(['node-0', 'node-1'])
      expect(state.nodes.every(n => /^[0-9a-f]{64}$/.test(n.tipId ?? ''))).to.equal(true)
      run.kill('SIGINT')
      expect(await run.exited).to.equal(130)
      let refused = false
      try { await fetch(`${url}state`, { signal: AbortSignal.timeout(5_000) }) } catch { refused = true }
      expect(refused, 'the dashboard is closed with the run').to.equal(true)
    } finally {
      run.kill('SIGKILL')
    }
  })

  it('a busy dashboard port fails the run with DASHBOARD_PORT_BUSY before any node starts', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const run = runTool(['--nodes', '1', '--duration', '60', '--json', '--dashboard', String(port)])
      const code = await Promise.race([run.exited, new Promise<string>(resolve => setTimeout(() => { resolve('timeout') }, 60_000).unref())])
      run.kill('SIGKILL')
      expect(code).to.equal(1)
      expect(run.out()).to.include('DASHBOARD_PORT_BUSY').and.include('port is in use')
      expect(run.out(), 'no node was started').to.not.include('"phase":"started"')
      // A failed run keeps its dir for inspection; this one holds only keys and a genesis.
      const dir = /"phase":"setup","dir":"([^"]+)"/.exec(run.out())?.[1]
      expect(dir).to.match(/tau-testnet-/)
      rmSync(dir as string, { recursive: true, force: true })
    } finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  })
})
