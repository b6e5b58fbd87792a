// Friends, contact requests and read receipts between real node processes (tau-node start, UDP
// DHTs and HTTP APIs on 127.0.0.1). One genesis miner keeps the chain going; A and B are new keys
// that never mined or transacted, and neither knows the other. A adds B as a friend (the CLI),
// sends three messages; B, who has not added A, sees a contact request (not a friend), adds A,
// reads A's chain and replies; the reply's receipt names A's third message, so A's view marks its
// messages delivered, and both views check as one DAG. Then B is stopped while A sends two more,
// and after its restart gets them all, in order. Every wait is bounded and says what it saw.
import { spawnSync } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { expect } from 'chai'
import { healthyTimeoutMs } from '../../scripts/testnet/constants.js'
import { REPO_ROOT, Testnet, type TestnetNode } from '../../scripts/testnet/network.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const DELIVERY_TIMEOUT_MS = 120_000

interface View { id: string, from: string, to: string | null, prev: string | null, receipt: string | null, encrypted: boolean, text: string | null, state: string, receiptTrusted: boolean | null }
interface Conversation { messages: View[], friend: boolean, dag: { ok: boolean, messages: number, reached: number, problems: string[] } }

/**
 * One admin request on a fresh connection (node:http, no keep-alive): a pooled connection left idle
 * while the CLI runs would be closed by the server's keep-alive timeout just as it is reused.
 */
async function call<T> (net: Testnet, n: TestnetNode, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const data = body !== undefined ? JSON.stringify(body) : undefined
  const headers: Record<string, string> = { authorization: `Bearer ${net.adminToken(n.index)}` }
  if (data !== undefined) headers['content-type'] = 'application/json'
  const { status, text } = await new Promise<{ status: number, text: string }>((resolve, reject) => {
    const req = httpRequest(`${n.api.base}${path}`, { method, headers, agent: false, timeout: 10_000 }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }) })
      res.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error(`${method} ${path} on ${n.name}: timed out`)) })
    req.on('error', reject)
    req.end(data)
  })
  if (status < 200 || status >= 300) throw new Error(`${method} ${path} on ${n.name}: HTTP ${status} ${text}`)
  return JSON.parse(text) as T
}

/** The tau-node CLI against a node's admin API (what a user types). */
function cli (n: TestnetNode, ...args: string[]): unknown {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'tau-node.js'), ...args, '--api', n.api.base, '--data-dir', n.dataDir], { encoding: 'utf8', timeout: 30_000 })
  if (r.status !== 0) throw new Error(`tau-node ${args.join(' ')}: exit ${String(r.status)}\n${r.stderr}`)
  return JSON.parse(r.stdout)
}

describe('messaging: friends, contact requests and read receipts (real processes)', function () {
  this.timeout(8 * 60_000)
  let net: Testnet
  let A: TestnetNode, B: TestnetNode
  const sentByA: string[] = []

  const conv = async (n: TestnetNode, other: TestnetNode): Promise<Conversation> => await call<Conversation>(net, n, 'GET', `/admin/messages?with=${other.pubkey}&limit=200`)
  const describe = async (): Promise<string> => {
    const lines = [await net.describe()]
    for (const [n, o] of [[A, B], [B, A]] as const) {
      try {
        const c = await conv(n, o)
        lines.push(`${n.name} with ${o.name}: ${c.messages.map(m => `${m.text ?? '?'}:${m.state}`).join(', ')} dag=${JSON.stringify(c.dag)}`)
        lines.push(`${n.name} requests: ${JSON.stringify(await call(net, n, 'GET', '/messages/requests'))}`)
      } catch (e) { lines.push(`${n.name}: ${(e as Error).message}`) }
    }
    return lines.join('\n')
  }

  before(async () => {
    net = await Testnet.create({ nodes: 1, blockTime: T, mutableRange: 6, seed: 'tau-node-friends', spareNodes: 2 })
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T) })
    A = await net.addNode({ mine: false })
    B = await net.addNode({ mine: false })
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T), indices: [A.index, B.index] })
  })

  after(async () => {
    if (net === undefined) return
    await net.stop()
    net.removeDir()
  })

  it('A adds B and writes; B sees a contact request, adds A, reads and replies; A sees its messages delivered; one DAG', async () => {
    const added = cli(A, 'friends', 'add', B.pubkey, '--name', 'bob') as { added: boolean, friend: { key: string, name: string } }
    expect(added).to.deep.include({ added: true })
    expect(added.friend).to.include({ key: B.pubkey, name: 'bob' })
    const texts = ['hello B', 'it is A', 'secret: the key is under the mat']
    for (const [i, text] of texts.entries()) {
      sentByA.push((await call<{ id: string }>(net, A, 'POST', '/messages', { text, to: B.pubkey, encrypt: i === 2 })).id)
    }

    // B never added A: a request, and A is not a friend.
    await waitFor(async () => (await call<{ requests: Array<{ key: string }> }>(net, B, 'GET', '/messages/requests')).requests.some(r => r.key === A.pubkey),
      { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 1000, what: "B's contact request from A", describe })
    expect((await call<{ friends: unknown[] }>(net, B, 'GET', '/admin/friends')).friends).to.deep.equal([])

    await call(net, B, 'POST', '/admin/friends', { key: A.pubkey, name: 'alice' })
    expect((await call<{ requests: Array<{ key: string }> }>(net, B, 'GET', '/messages/requests')).requests.map(r => r.key)).to.not.include(A.pubkey)
    await waitFor(async () => (await conv(B, A)).messages.length >= 3, { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 1000, what: "B to read A's three messages", describe })
    const atB = (await conv(B, A)).messages
    expect(atB.map(m => m.id)).to.deep.equal([...sentByA].reverse())
    expect(atB.map(m => m.text)).to.deep.equal([...texts].reverse())
    expect(atB.every(m => m.state === 'received')).to.equal(true)

    const reply = cli(B, 'messages', 'send', A.pubkey, 'hi A, got all three') as { id: string, message: View }
    expect(reply.message.receipt, "the reply's r names A's newest message").to.equal(sentByA[2])

    await waitFor(async () => {
      const c = await conv(A, B)
      return c.messages.length === 4 && c.messages.filter(m => m.from === A.pubkey).every(m => m.state === 'delivered')
    }, { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 1000, what: "A's messages marked delivered through B's receipt", describe })
    const atA = await conv(A, B)
    expect(atA.messages[0]).to.include({ id: reply.id, state: 'received', receipt: sentByA[2], receiptTrusted: true })
    expect(atA.dag, "A's view is one DAG").to.include({ ok: true, messages: 4, reached: 4 })
    const bView = await conv(B, A)
    expect(bView.dag, "B's view is one DAG").to.include({ ok: true, messages: 4, reached: 4 })
    expect(bView.messages.filter(m => m.from === A.pubkey).every(m => m.state === 'read'), 'B marks what its receipt covers as read').to.equal(true)
    // The public route shows the encrypted message as metadata only.
    const pub = await call<Conversation>(net, A, 'GET', `/messages?with=${B.pubkey}`)
    expect(pub.messages.find(m => m.id === sentByA[2])).to.include({ encrypted: true, text: null })
  })

  it('B offline while A sends two more: after its restart B gets everything, in order', async () => {
    await net.stopNode(B.index)
    for (const text of ['while you were out', 'and one more']) sentByA.push((await call<{ id: string }>(net, A, 'POST', '/messages', { text, to: B.pubkey })).id)
    net.startNode(B.index)
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(T), indices: [B.index] })
    await waitFor(async () => (await conv(B, A)).messages.filter(m => m.from === A.pubkey).length >= 5,
      { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 1000, what: 'the restarted B to hold the two messages sent while it was down', describe })
    const fromA = (await conv(B, A)).messages.filter(m => m.from === A.pubkey).reverse()
    expect(fromA.map(m => m.id)).to.deep.equal(sentByA)
    fromA.forEach((m, i) => expect(m.prev, `message ${i} links to the one before`).to.equal(i === 0 ? null : sentByA[i - 1]))
    expect(fromA[2].text, 'B still decrypts the encrypted one').to.equal('secret: the key is under the mat')
    expect((await call<{ friends: Array<{ key: string }> }>(net, B, 'GET', '/admin/friends')).friends.map(f => f.key), 'friends survive the restart').to.deep.equal([A.pubkey])
  })
})
