// Public API mode seen from a client that is not on loopback: the test makes a network namespace
// joined to this one by a veth pair (10.231.N.0/30, removed afterwards), binds the node's API to
// the host side and sends requests from inside the namespace. Needs root and iproute2 (`ip`).
import { expect } from 'chai'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { type Fixture, startApiNode, stopApiNode } from '../helpers/apiNode.js'

const run = promisify(execFile)
const NS = `tauapi${process.pid}`
const HOST_IF = `ta${process.pid}h`
const NS_IF = `ta${process.pid}n`
const NET = `10.231.${process.pid % 250}`

function ip (...args: string[]): void { execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 }) }

function teardown (): void {
  try { ip('link', 'del', HOST_IF) } catch {}
  try { ip('netns', 'del', NS) } catch {}
}

/** Requests made by a node process inside the namespace; answers as [status, code]. */
async function fromNamespace (base: string, token: string): Promise<Record<string, [number, string | undefined]>> {
  const script = `
    const base = ${JSON.stringify(base)}
    const one = async (path, init) => { const r = await fetch(base + path, init); let code; try { code = (await r.json()).code } catch {} return [r.status, code] }
    const out = {
      status: await one('/status'),
      messages: await one('/messages'),
      miningStop: await one('/mining/stop', { method: 'POST', headers: { authorization: 'Bearer ${token}' } }),
      openapi: await one('/openapi.json')
    }
    console.log(JSON.stringify(out))`
  const { stdout } = await run('ip', ['netns', 'exec', NS, process.execPath, '--input-type=module', '-e', script], { timeout: 30_000 })
  return JSON.parse(stdout) as Record<string, [number, string | undefined]>
}

describe('public API mode from a client beyond loopback (network namespace)', function () {
  this.timeout(60_000)
  let f: Fixture | undefined
  after(async () => { await stopApiNode(f); teardown() })

  it('serves public routes, keeps private and admin routes to loopback clients', async () => {
    teardown() // a leftover of an interrupted run with the same pid
    try {
      ip('netns', 'add', NS)
      ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF)
      ip('link', 'set', NS_IF, 'netns', NS)
      ip('addr', 'add', `${NET}.1/30`, 'dev', HOST_IF)
      ip('link', 'set', HOST_IF, 'up')
      ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${NET}.2/30`, 'dev', NS_IF)
      ip('netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up')
    } catch (e) {
      throw new Error(`this test needs root and iproute2 to make a network namespace: ${(e as Error).message}`)
    }
    f = await startApiNode({ blocks: 2, apiPublic: true, apiHost: `${NET}.1` })
    const r = await fromNamespace(f.base, f.node.adminToken)
    expect(r.status[0]).to.equal(200)
    expect(r.openapi[0]).to.equal(200)
    expect(r.messages).to.deep.equal([403, 'LOOPBACK_ONLY'])
    expect(r.miningStop).to.deep.equal([403, 'ADMIN_LOOPBACK_ONLY'])
  })
})
