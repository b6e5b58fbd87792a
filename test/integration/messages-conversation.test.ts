// The conversation route and the SSE receipt event on a real in-process node: the node writes to
// a key, that key's answer (linked through a chain walk, as from its msgTip) carries a receipt
// naming the node's message; GET /messages?with= marks it delivered, /events sends `receipt`.
// A second answer whose r names an unknown id is stored but its receipt not trusted.
import { expect } from 'chai'
import { request as httpRequest } from 'node:http'
import { MSG_TYPE_TEXT } from '../../chain/constants.js'
import { fromHex, toHex } from '../../chain/hex.js'
import { createMessage, messageId } from '../../chain/message.js'
import { type MsgNode, MSG_KEYS, api, startMsgNode, stopMsgNode } from '../helpers/msgNode.js'
import { waitFor } from '../helpers/wait.js'

interface Item { id: string, from: string, state: string, receipt: string | null, receiptTrusted: boolean | null }
interface Conv { with: string, friend: boolean, messages: Item[], next: string | null, dag: { ok: boolean, problems: string[] } }

describe('messages API: conversation states and the SSE receipt event (real node)', function () {
  this.timeout(60_000)
  let f: MsgNode
  const other = MSG_KEYS[2]

  before(async () => { f = await startMsgNode() })
  after(async () => { await stopMsgNode(f) })

  it('marks the node\'s message delivered through the answer\'s receipt and streams a receipt event', async () => {
    const sent = await api<{ id: string }>(f, 'POST', '/messages', { admin: true, body: { text: 'hello', to: toHex(other.publicKey) } })
    expect(sent.status).to.equal(201)
    let conv = await api<Conv>(f, 'GET', `/messages?with=${toHex(other.publicKey)}`)
    expect(conv.json.messages.map(m => m.state)).to.deep.equal(['sent'])

    // Listen for the receipt event before the answer arrives.
    const events: string[] = []
    const req = httpRequest(`${f.base}/events?types=receipt`, res => { res.on('data', (c: Buffer) => events.push(c.toString('utf8'))) })
    req.on('error', () => {})
    req.end()
    await waitFor(() => events.join('').includes('connected'), { timeoutMs: 5000, what: 'the event stream' })

    const chainId = f.genesis.chainId
    const me = f.node.ctx.key.publicKey
    const now = Math.floor(Date.now() / 1000)
    const answer = createMessage(other.secretKey, { chainId, from: other.publicKey, to: me, timestamp: now, receipt: fromHex(sent.json.id), type: MSG_TYPE_TEXT, body: new TextEncoder().encode('got it') })
    const odd = createMessage(other.secretKey, { chainId, from: other.publicKey, to: me, timestamp: now, prev: messageId(answer), receipt: new Uint8Array(32).fill(0xee), type: MSG_TYPE_TEXT, body: new TextEncoder().encode('odd') })
    await f.node.ctx.chain.messages.put(answer)
    await f.node.ctx.chain.messages.put(odd)
    expect(await f.node.messages.chains.sync(other.publicKey, messageId(odd))).to.include({ added: 2, complete: true })

    await waitFor(() => events.join('').includes('event: receipt'), { timeoutMs: 5000, what: 'the receipt event' })
    req.destroy()
    const data = JSON.parse(events.join('').split('event: receipt')[1].split('data: ')[1].split('\n')[0]) as { from: string, message: string, by: string }
    expect(data).to.deep.equal({ from: toHex(other.publicKey), message: sent.json.id, by: toHex(messageId(answer)) })
    expect(events.join('').split('event: receipt').length - 1, 'no event for the untrusted receipt').to.equal(1)

    conv = await api<Conv>(f, 'GET', `/messages?with=${toHex(other.publicKey)}`)
    expect(conv.json.messages.map(m => [m.state, m.receiptTrusted])).to.deep.equal([['received', false], ['received', true], ['delivered', null]])
    expect(conv.json.dag.ok, 'an untrusted receipt spoils the DAG check').to.equal(false)
    // Paging: one at a time, following next.
    const p1 = await api<Conv>(f, 'GET', `/messages?with=${toHex(other.publicKey)}&limit=1`)
    const p2 = await api<Conv>(f, 'GET', `/messages?with=${toHex(other.publicKey)}&limit=1&before=${p1.json.next ?? ''}`)
    expect(p2.json.messages[0].id).to.equal(toHex(messageId(answer)))
    // The key is a contact request (it wrote to us, not a friend), until it is added.
    const reqs = await api<{ requests: Array<{ key: string, via: string }> }>(f, 'GET', '/messages/requests', { admin: true })
    expect(reqs.json.requests.map(r => r.key)).to.deep.equal([toHex(other.publicKey)])
    expect((await api(f, 'GET', '/messages/requests')).status, 'admin only').to.equal(401)
    const add = await api<{ added: boolean }>(f, 'POST', '/admin/friends', { admin: true, body: { key: toHex(other.publicKey), name: 'carol' } })
    expect(add.json.added).to.equal(true)
    expect((await api<{ requests: unknown[] }>(f, 'GET', '/messages/requests', { admin: true })).json.requests).to.deep.equal([])
    expect((await api<Conv>(f, 'GET', `/admin/messages?with=${toHex(other.publicKey)}`, { admin: true })).json.friend).to.equal(true)
    expect((await api<Conv>(f, 'GET', `/messages?with=${toHex(other.publicKey)}`)).json, 'the public view does not tell who is a friend').to.not.have.property('friend')
    const bad = await api<{ code: string }>(f, 'POST', '/admin/friends', { admin: true, body: { key: 'nothex' } })
    expect([bad.status, bad.json.code]).to.deep.equal([400, 'MSG_BAD_FRIEND'])
  })

  it("the DAG walk follows r: a peer's receipt naming another peer's message it lacks starts that chain's walk", async () => {
    const [k1, k2] = [MSG_KEYS[1], MSG_KEYS[2]] // both genesis accounts, so both are peers
    const chainId = f.genesis.chainId
    const now = Math.floor(Date.now() / 1000)
    const m1 = createMessage(k1.secretKey, { chainId, from: k1.publicKey, to: k2.publicKey, timestamp: now, type: MSG_TYPE_TEXT, body: new TextEncoder().encode('to k2') })
    // k2 already answers k1 with more messages, so its head moved on; m1 is nowhere this node can fetch it.
    const base = f.node.messages.chains.head(k2.publicKey)
    const m2 = createMessage(k2.secretKey, { chainId, from: k2.publicKey, to: k1.publicKey, timestamp: now, prev: base !== undefined ? messageId(base) : undefined, receipt: messageId(m1), type: MSG_TYPE_TEXT, body: new TextEncoder().encode('to k1') })
    await f.node.ctx.chain.messages.put(m2)
    expect(await f.node.messages.chains.sync(k2.publicKey, messageId(m2))).to.include({ added: 1, complete: true })
    // Nobody answers for m1, so the walk that r started puts it into the node's demand.
    await waitFor(() => f.node.ctx.demand.has('m', messageId(m1)), { timeoutMs: 20_000, what: 'the id named by r to be fetched (and, unanswered, demanded)' })
    expect(f.node.ctx.chain.messages.has(messageId(m1))).to.equal(false)
  })
})
