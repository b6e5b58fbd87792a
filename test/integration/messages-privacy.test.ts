// GET /messages is public: it must never show the decrypted text of a message addressed to this
// node (issue 22: a miner that opens its API for explorers handed everyone its private messages).
// A real in-process node holds a message encrypted for it; the public route shows metadata only,
// the admin route (loopback + token) decrypts it.
import { expect } from 'chai'
import { MSG_TYPE_ENCRYPTED, MSG_TYPE_TEXT } from '../../chain/constants.js'
import { toHex } from '../../chain/hex.js'
import { createMessage, messageId } from '../../chain/message.js'
import { encryptBody } from '../../chain/messageCrypto.js'
import { type MsgNode, MSG_KEYS, api, startMsgNode, stopMsgNode } from '../helpers/msgNode.js'

interface View { id: string, from: string, encrypted: boolean, text: string | null, to: string | null }
interface Page { messages: View[], next: string | null }

describe('messages API: privacy of encrypted messages (real node)', function () {
  this.timeout(60_000)
  let f: MsgNode
  const sender = MSG_KEYS[1]
  let encId = ''
  let pubId = ''

  before(async () => {
    f = await startMsgNode()
    const me = f.node.ctx.key.publicKey
    const chainId = f.genesis.chainId
    const now = Math.floor(Date.now() / 1000)
    const body = encryptBody(new TextEncoder().encode('secret hi'), sender.secretKey, { chainId, from: sender.publicKey, to: me })
    const m1 = createMessage(sender.secretKey, { chainId, from: sender.publicKey, to: me, timestamp: now, type: MSG_TYPE_ENCRYPTED, body })
    const m2 = createMessage(sender.secretKey, { chainId, from: sender.publicKey, timestamp: now, prev: messageId(m1), type: MSG_TYPE_TEXT, body: new TextEncoder().encode('hello all') })
    // Stored first, so the chain walk finds both locally; the walk then links them as from a peer's msgTip.
    await f.node.ctx.chain.messages.put(m1)
    await f.node.ctx.chain.messages.put(m2)
    const r = await f.node.messages.chains.sync(sender.publicKey, messageId(m2))
    expect(r).to.include({ added: 2, complete: true })
    encId = toHex(messageId(m1)); pubId = toHex(messageId(m2))
  })
  after(async () => { await stopMsgNode(f) })

  it('GET /messages shows an encrypted message to this node as metadata only, public text as text', async () => {
    const r = await api<Page>(f, 'GET', `/messages?peer=${toHex(sender.publicKey)}`)
    expect(r.status).to.equal(200)
    const enc = r.json.messages.find(m => m.id === encId)
    expect(enc).to.include({ encrypted: true, text: null, to: toHex(f.node.ctx.key.publicKey), from: toHex(sender.publicKey) })
    expect(r.json.messages.find(m => m.id === pubId)?.text).to.equal('hello all')
    // Not even with the admin token: the public route never decrypts.
    const withToken = await api<Page>(f, 'GET', '/messages', { admin: true })
    expect(JSON.stringify(withToken.json)).to.not.include('secret hi')
  })

  it('GET /admin/messages decrypts it for the admin, and refuses a missing or wrong token', async () => {
    const ok = await api<Page>(f, 'GET', `/admin/messages?peer=${toHex(sender.publicKey)}`, { admin: true })
    expect(ok.status).to.equal(200)
    expect(ok.json.messages.find(m => m.id === encId)?.text).to.equal('secret hi')
    const none = await api<{ code: string }>(f, 'GET', '/admin/messages')
    expect(none.status).to.equal(401)
    expect(none.json.code).to.equal('ADMIN_TOKEN_REQUIRED')
    expect(JSON.stringify(none.json)).to.not.include('secret hi')
  })
})
