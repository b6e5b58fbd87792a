// Read receipts (PROTOCOL §3 v2 `r`) and the dual-chain DAG: states in a conversation, receipts
// that name an unknown or foreign id (stored, not trusted), and why a forged receipt cannot pass
// (r is covered by the sender's signature). Also the v2 codecs: `r` on messages, `q`/`u` on gossip.
import { expect } from 'chai'
import { generateKeyPair, type KeyPair } from '../../../../chain/crypto.js'
import { isChainOrNodeError } from '../../../../node/errors.js'
import { toHex } from '../../../../chain/hex.js'
import { MSG_TYPE_TEXT } from '../../../../chain/constants.js'
import { type Message, createMessage, decodeMessage, encodeMessage, messageId, verifyMessageSignature } from '../../../../chain/message.js'
import { MessageChains } from '../../../../node/messaging/chains.js'
import { HeadStore } from '../../../../node/messaging/heads.js'
import { checkDag, conversation } from '../../../../node/messaging/conversation.js'
import { decodeGossip, encodeGossip } from '../../../../node/messaging/gossip.js'
import { validateMessage } from '../../../../node/messaging/validate.js'

const chainId = new Uint8Array(16).fill(9)
const NOW = 1_700_000_000
const rules = { chainId, nowS: NOW + 1000 }
const enc = new TextEncoder()

/** A little world: one message store, every sender's chain through MessageChains. */
function world () {
  const store = new Map<string, Message>()
  const chains = new MessageChains({
    heads: new HeadStore(),
    rules: () => rules,
    getStored: id => store.get(toHex(id)),
    putStored: async m => { store.set(toHex(messageId(m)), m) },
    fetch: async id => store.get(toHex(id)) ?? null,
    onNew: () => {}
  })
  let t = NOW
  const send = async (k: KeyPair, to: KeyPair | undefined, text: string, receipt?: Uint8Array): Promise<Uint8Array> => {
    const prev = chains.head(k.publicKey)
    const m = createMessage(k.secretKey, {
      chainId, from: k.publicKey, to: to?.publicKey, timestamp: t++, prev: prev !== undefined ? messageId(prev) : undefined, receipt, type: MSG_TYPE_TEXT, body: enc.encode(text)
    })
    validateMessage(m, rules)
    const id = messageId(m)
    store.set(toHex(id), m)
    const r = await chains.sync(k.publicKey, id)
    expect(r.complete, `${text} links`).to.equal(true)
    return id
  }
  const view = (self: KeyPair, other: KeyPair) => conversation({
    self: self.publicKey, getStored: id => store.get(toHex(id)), chainOf: (s, n) => chains.listSender(s, n)
  }, other.publicKey)
  return { store, chains, send, view }
}

const states = (items: ReturnType<ReturnType<typeof world>['view']>): string[] => items.map(x => `${new TextDecoder().decode(x.m.b)}:${x.state}`)

describe('messaging: read receipts and the dual-chain DAG', () => {
  const A = generateKeyPair(); const B = generateKeyPair(); const C = generateKeyPair()

  it('marks own messages delivered through the other side\'s r, and theirs read through ours; one DAG', async () => {
    const w = world()
    const a1 = await w.send(A, B, 'a1'); await w.send(A, B, 'a2'); const a3 = await w.send(A, B, 'a3')
    expect(states(w.view(A, B))).to.deep.equal(['a3:sent', 'a2:sent', 'a1:sent'])
    const b1 = await w.send(B, A, 'b1', a3)
    expect(states(w.view(A, B))).to.deep.equal(['b1:received', 'a3:delivered', 'a2:delivered', 'a1:delivered'])
    expect(checkDag(w.view(A, B), id => w.store.get(toHex(id)))).to.include({ ok: true, messages: 4, reached: 4 })
    await w.send(A, B, 'a4', b1)
    expect(states(w.view(A, B))).to.deep.equal(['a4:sent', 'b1:read', 'a3:delivered', 'a2:delivered', 'a1:delivered'])
    // B's view is the mirror image.
    expect(states(w.view(B, A))).to.deep.equal(['a4:received', 'b1:delivered', 'a3:read', 'a2:read', 'a1:read'])
    // A receipt for an older message covers only up to it.
    const w2 = world()
    const x1 = await w2.send(A, B, 'x1'); await w2.send(A, B, 'x2')
    await w2.send(B, A, 'y1', x1)
    expect(states(w2.view(A, B))).to.deep.equal(['y1:received', 'x2:sent', 'x1:delivered'])
    expect(toHex(a1)).to.not.equal(toHex(x1))
  })

  it('two chains without a receipt are not one DAG', async () => {
    const w = world()
    await w.send(A, B, 'a1'); await w.send(B, A, 'b1')
    const c = checkDag(w.view(A, B), id => w.store.get(toHex(id)))
    expect(c.ok).to.equal(false)
    expect(c.problems.join()).to.include('no trusted receipt')
  })

  it('stores a message whose r names an unknown or a foreign id, but does not trust the receipt', async () => {
    const w = world()
    await w.send(A, B, 'a1')
    const unknown = new Uint8Array(32).fill(0xab)
    const bad1 = await w.send(B, A, 'b-unknown', unknown)
    const c1 = await w.send(C, undefined, 'c-public')
    const bad2 = await w.send(B, A, 'b-foreign', c1) // names C's message, not one from A
    expect(w.store.has(toHex(bad1)) && w.store.has(toHex(bad2)), 'both are stored and linked').to.equal(true)
    expect(w.chains.head(B.publicKey)?.b).to.deep.equal(enc.encode('b-foreign'))
    const v = w.view(A, B)
    expect(states(v)).to.deep.equal(['b-foreign:received', 'b-unknown:received', 'a1:sent'])
    expect(v.filter(x => x.receiptTrusted === false).length).to.equal(2)
    expect(checkDag(v, id => w.store.get(toHex(id))).ok).to.equal(false)
  })

  it('a forged receipt fails the signature check: r is signed by the sender', async () => {
    const w = world()
    const a1 = await w.send(A, B, 'a1')
    const honest = createMessage(B.secretKey, { chainId, from: B.publicKey, to: A.publicKey, timestamp: NOW + 5, type: MSG_TYPE_TEXT, body: enc.encode('hi') })
    // Someone adds or changes r on B's message: the signature no longer verifies.
    expect(verifyMessageSignature(honest)).to.equal(true)
    expect(verifyMessageSignature({ ...honest, r: a1 })).to.equal(false)
    const code = (m: Message): string | undefined => { try { validateMessage(m, rules); return undefined } catch (e) { return isChainOrNodeError(e) ? e.code : 'other' } }
    expect(code({ ...honest, r: a1 })).to.equal('MSG_BAD_SIGNATURE')
    // C signs a receipt in B's name: it does not verify against f = B.
    const byC = createMessage(C.secretKey, { chainId, from: B.publicKey, to: A.publicKey, timestamp: NOW + 5, receipt: a1, type: MSG_TYPE_TEXT, body: enc.encode('hi') })
    expect(code(byC)).to.equal('MSG_BAD_SIGNATURE')
    // And a chain walk refuses it: nothing of it is linked.
    w.store.set(toHex(messageId(byC)), byC)
    let walk: string | undefined
    try { await w.chains.sync(B.publicKey, messageId(byC)) } catch (e) { walk = isChainOrNodeError(e) ? e.code : 'other' }
    expect(walk).to.equal('MSG_BAD_SIGNATURE')
    expect(w.chains.head(B.publicKey)).to.equal(undefined)
  })

  it('v2 codecs: r is optional on messages (v1 bytes unchanged), q and u optional on gossip, strict otherwise', () => {
    const plain = createMessage(A.secretKey, { chainId, from: A.publicKey, timestamp: NOW, type: MSG_TYPE_TEXT, body: enc.encode('x') })
    expect(Buffer.from(encodeMessage(plain)).includes(Buffer.from('1:r32:'))).to.equal(false)
    const withR = createMessage(A.secretKey, { chainId, from: A.publicKey, to: B.publicKey, timestamp: NOW, receipt: new Uint8Array(32).fill(1), type: MSG_TYPE_TEXT, body: enc.encode('x') })
    expect(decodeMessage(encodeMessage(withR)).r).to.deep.equal(new Uint8Array(32).fill(1))
    expect(() => decodeMessage(encodeMessage({ ...withR, r: new Uint8Array(31) }))).to.throw()
    const g = { g: [], q: 10, u: enc.encode('alice') }
    expect(decodeGossip(encodeGossip(g))).to.deep.equal(g)
    expect(decodeGossip(encodeGossip({ g: [] }))).to.deep.equal({ g: [] })
    for (const bad of [{ g: [], q: 0 }, { g: [], q: 61 }, { g: [], u: new Uint8Array(33) }]) {
      let c: string | undefined
      try { encodeGossip(bad) } catch (e) { c = isChainOrNodeError(e) ? e.code : 'other' }
      expect(c, JSON.stringify(bad)).to.match(/^CODEC_/)
    }
  })
})
