// Messaging between real node processes (tau-node start, UDP DHTs and HTTP APIs on 127.0.0.1):
// A sends five messages to B (one encrypted), C sends one public message; every node ends up with
// both senders' complete chains in order, only B reads the encrypted one; a message sent while B
// is down reaches B after it restarts. Every wait is bounded and describes what it saw on timeout.
import { expect } from 'chai'
import { healthyTimeoutMs } from '../../scripts/testnet/constants.js'
import { Testnet, type TestnetNode } from '../../scripts/testnet/network.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const DELIVERY_TIMEOUT_MS = 90_000

interface View { id: string, from: string, to: string | null, prev: string | null, encrypted: boolean, text: string | null, timestamp: number }

async function send (net: Testnet, n: TestnetNode, body: { text: string, to?: string, encrypt?: boolean }): Promise<string> {
  const res = await fetch(`${n.api.base}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${net.adminToken(n.index)}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000)
  })
  const json = await res.json() as { id?: string, code?: string }
  if (res.status !== 201 || json.id === undefined) throw new Error(`POST /messages on ${n.name}: HTTP ${res.status} ${JSON.stringify(json)}`)
  return json.id
}

/** `token`: read through the admin route, which decrypts what is addressed to the node. */
async function list (n: TestnetNode, peer: string, token?: string): Promise<View[]> {
  const res = await fetch(`${n.api.base}${token !== undefined ? '/admin' : ''}/messages?peer=${peer}&limit=100`, {
    headers: token !== undefined ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000)
  })
  if (res.status !== 200) throw new Error(`GET /messages on ${n.name}: HTTP ${res.status}`)
  return ((await res.json()) as { messages: View[] }).messages
}

/** Newest first → oldest first, checking every `prev` links to the message before it. */
function inOrder (ms: View[]): View[] {
  const out = [...ms].reverse()
  out.forEach((m, i) => expect(m.prev, `message ${i} of ${m.from.slice(0, 8)} links to its predecessor`).to.equal(i === 0 ? null : out[i - 1].id))
  return out
}

describe('messaging: three nodes on 127.0.0.1 (real processes)', function () {
  this.timeout(6 * 60_000)
  let net: Testnet
  let A: TestnetNode, B: TestnetNode, C: TestnetNode
  const sentByA: string[] = []
  const texts = ['one', 'two', 'secret three', 'four', 'five']

  const describeMessages = async (): Promise<string> => {
    const lines = [await net.describe()]
    for (const n of net.running) {
      try {
        lines.push(`${n.name}: A=${(await list(n, A.pubkey)).length} C=${(await list(n, C.pubkey)).length}`)
      } catch (e) { lines.push(`${n.name}: ${(e as Error).message}`) }
    }
    return lines.join('\n')
  }

  before(async () => {
    net = await Testnet.create({ nodes: 3, blockTime: T, mutableRange: 6, seed: 'tau-node-messaging' })
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T) })
    ;[A, B, C] = net.nodes
  })

  after(async () => {
    if (net === undefined) return
    await net.stop()
    net.removeDir()
  })

  it('A sends five messages to B (one encrypted), C one public message: every node has both chains complete and in order', async () => {
    for (const [i, text] of texts.entries()) sentByA.push(await send(net, A, { text, to: B.pubkey, encrypt: i === 2 }))
    const fromC = await send(net, C, { text: 'hello all' })

    await waitFor(async () => {
      for (const n of net.nodes) {
        if ((await list(n, A.pubkey)).length < 5 || (await list(n, C.pubkey)).length < 1) return false
      }
      return true
    }, { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 500, what: "every node to hold A's and C's messages", describe: describeMessages })

    for (const n of net.nodes) {
      const a = inOrder(await list(n, A.pubkey, net.adminToken(n.index)))
      const publicView = await list(n, A.pubkey)
      expect(publicView[publicView.length - 3], `${n.name}: the public route shows the encrypted message as metadata only`).to.include({ encrypted: true, text: null })
      expect(a.map(m => m.id), `${n.name}: A's chain`).to.deep.equal(sentByA)
      const c = await list(n, C.pubkey)
      expect(c.map(m => m.id)).to.deep.equal([fromC])
      expect(c[0].text).to.equal('hello all')
      a.forEach((m, i) => {
        expect(m.encrypted).to.equal(i === 2)
        if (i !== 2) expect(m.text, `${n.name} reads public message ${i}`).to.equal(texts[i])
        else expect(m.text, `${n.name} ${n === B ? 'reads' : 'cannot read'} the encrypted message`).to.equal(n === B ? texts[2] : null)
        expect(m.to).to.equal(B.pubkey)
      })
    }
  })

  it('a message sent while B is down reaches B after it restarts', async () => {
    await net.stopNode(B.index)
    const id = await send(net, A, { text: 'while you were out', to: B.pubkey })
    sentByA.push(id)
    await waitFor(async () => (await list(C, A.pubkey)).length >= 6, {
      timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 500, what: 'C to see the sixth message', describe: describeMessages
    })
    net.startNode(B.index)
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T), indices: [B.index] })
    await waitFor(async () => (await list(B, A.pubkey)).length >= 6, {
      timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 500, what: 'the restarted B to receive the message sent while it was down', describe: describeMessages
    })
    const a = inOrder(await list(B, A.pubkey, net.adminToken(B.index)))
    expect(a.map(m => m.id)).to.deep.equal(sentByA)
    expect(a[5].text).to.equal('while you were out')
    expect(a[2].text, 'B still reads the encrypted message after the restart').to.equal('secret three')
  })
})
