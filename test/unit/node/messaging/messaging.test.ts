import { expect } from 'chai'
import { generateKeyPair } from '../../../../chain/crypto.js'
import { isChainOrNodeError } from '../../../../node/errors.js'
import { toHex } from '../../../../chain/hex.js'
import { MSG_TYPE_ENCRYPTED, MSG_TYPE_TEXT } from '../../../../chain/constants.js'
import { type Message, createMessage, decodeMessage, encodeMessage, messageId } from '../../../../chain/message.js'
import { encryptBody } from '../../../../chain/messageCrypto.js'
import { MessageChains } from '../../../../node/messaging/chains.js'
import { HeadStore } from '../../../../node/messaging/heads.js'
import { GossipBook, PK_ID_ANYONE, decodeGossip, demandsOf, encodeGossip, prioritise } from '../../../../node/messaging/gossip.js'
import { checkLink, pkIdOf, validateMessage } from '../../../../node/messaging/validate.js'
import { viewOf } from '../../../../node/messaging/view.js'
import { GOSSIP_Y_DEMAND } from '../../../../node/messaging/constants.js'

const chainId = new Uint8Array(16).fill(7)
const NOW = 1_700_000_000
const rules = { chainId, nowS: NOW }
const enc = new TextEncoder()

function msg (k: { secretKey: Uint8Array, publicKey: Uint8Array }, o: { prev?: Message, t?: number, text?: string, to?: Uint8Array, chain?: Uint8Array } = {}): Message {
  return createMessage(k.secretKey, {
    chainId: o.chain ?? chainId, from: k.publicKey, to: o.to, timestamp: o.t ?? (o.prev !== undefined ? o.prev.t + 1 : NOW - 100),
    prev: o.prev !== undefined ? messageId(o.prev) : undefined, type: MSG_TYPE_TEXT, body: enc.encode(o.text ?? 'hi')
  })
}

function code (fn: () => unknown): string | undefined {
  try { fn() } catch (e) { if (isChainOrNodeError(e)) return e.code; throw e }
  return undefined
}

async function codeAsync (p: Promise<unknown>): Promise<string | undefined> {
  try { await p } catch (e) { if (isChainOrNodeError(e)) return e.code; throw e }
  return undefined
}

describe('messaging: validation', () => {
  const a = generateKeyPair()
  const b = generateKeyPair()

  it('accepts a well-formed message', () => {
    expect(code(() => validateMessage(msg(a), rules))).to.equal(undefined)
  })

  it('rejects a tampered body or a swapped sender with MSG_BAD_SIGNATURE', () => {
    const m = msg(a)
    expect(code(() => validateMessage({ ...m, b: enc.encode('HI') }, rules))).to.equal('MSG_BAD_SIGNATURE')
    expect(code(() => validateMessage({ ...m, f: b.publicKey }, rules))).to.equal('MSG_BAD_SIGNATURE')
    expect(code(() => validateMessage({ ...m, t: m.t + 1 }, rules))).to.equal('MSG_BAD_SIGNATURE')
  })

  it('rejects another chain, the future, a too large body and an encrypted message without receiver', () => {
    expect(code(() => validateMessage(msg(a, { chain: new Uint8Array(16) }), rules))).to.equal('MSG_WRONG_CHAIN')
    expect(code(() => validateMessage(msg(a, { t: NOW + 3600 }), rules))).to.equal('MSG_FROM_FUTURE')
    expect(code(() => validateMessage({ ...msg(a), b: new Uint8Array(600) }, rules))).to.equal('MSG_TOO_LARGE')
    const e = createMessage(a.secretKey, { chainId, from: a.publicKey, timestamp: NOW, type: MSG_TYPE_ENCRYPTED, body: new Uint8Array(40) })
    expect(code(() => validateMessage(e, rules))).to.equal('MSG_BAD_RECEIVER')
  })

  it('rejects out-of-chain links with MSG_BROKEN_CHAIN', () => {
    const m1 = msg(a)
    const m2 = msg(a, { prev: m1 })
    expect(code(() => checkLink(m2, m1))).to.equal(undefined)
    const other = msg(b)
    expect(code(() => checkLink(m2, other)), 'p names another message').to.equal('MSG_BROKEN_CHAIN')
    const foreign = createMessage(a.secretKey, { chainId, from: a.publicKey, timestamp: NOW, prev: messageId(other), type: 1, body: enc.encode('x') })
    expect(code(() => checkLink(foreign, other)), "p names another sender's message").to.equal('MSG_BROKEN_CHAIN')
    const back = msg(a, { prev: m1, t: m1.t - 10 })
    expect(code(() => checkLink(back, m1)), 'time goes back').to.equal('MSG_BROKEN_CHAIN')
  })

  it('hostile bytes only throw coded errors', () => {
    const good = encodeMessage(msg(a))
    for (let i = 0; i < 300; i++) {
      const bad = Uint8Array.from(good)
      bad[Math.floor(Math.random() * bad.length)] ^= 1 << Math.floor(Math.random() * 8)
      try {
        validateMessage(decodeMessage(bad), rules)
      } catch (e) {
        expect(isChainOrNodeError(e), String(e)).to.equal(true)
      }
    }
  })
})

function fakeChains (store: Map<string, Message>, net: Map<string, Message>): { chains: MessageChains, seen: Message[], fetches: string[] } {
  const seen: Message[] = []
  const fetches: string[] = []
  const chains = new MessageChains({
    heads: new HeadStore(),
    rules: () => rules,
    getStored: id => store.get(toHex(id)),
    putStored: async m => { store.set(toHex(messageId(m)), m) },
    fetch: async id => { fetches.push(toHex(id)); return net.get(toHex(id)) ?? null },
    onNew: m => { seen.push(m) }
  })
  return { chains, seen, fetches }
}

describe('messaging: chain walk', () => {
  const a = generateKeyPair()
  const b = generateKeyPair()
  const put = (net: Map<string, Message>, ...ms: Message[]): void => { for (const m of ms) net.set(toHex(messageId(m)), m) }

  it('walks back from a tip to the first message and links oldest first', async () => {
    const m1 = msg(a, { text: '1' }); const m2 = msg(a, { prev: m1, text: '2' }); const m3 = msg(a, { prev: m2, text: '3' })
    const net = new Map<string, Message>(); put(net, m1, m2, m3)
    const { chains, seen, fetches } = fakeChains(new Map(), net)
    const r = await chains.sync(a.publicKey, messageId(m3))
    expect(r).to.deep.equal({ added: 3, complete: true })
    expect(seen.map(m => new TextDecoder().decode(m.b))).to.deep.equal(['1', '2', '3'])
    // A newer tip only fetches what is new.
    const m4 = msg(a, { prev: m3, text: '4' }); put(net, m4)
    fetches.length = 0
    expect((await chains.sync(a.publicKey, messageId(m4))).added).to.equal(1)
    expect(fetches).to.deep.equal([toHex(messageId(m4))])
  })

  it('a gap stays incomplete and names the missing id; the next walk finishes', async () => {
    const m1 = msg(a); const m2 = msg(a, { prev: m1 }); const m3 = msg(a, { prev: m2 })
    const net = new Map<string, Message>(); put(net, m1, m3)
    const { chains, seen } = fakeChains(new Map(), net)
    const r = await chains.sync(a.publicKey, messageId(m3))
    expect(r.complete).to.equal(false)
    expect(toHex(r.missing!)).to.equal(toHex(messageId(m2)))
    expect(seen).to.have.length(0)
    put(net, m2)
    expect(await chains.sync(a.publicKey, messageId(m3))).to.deep.equal({ added: 3, complete: true })
  })

  it("rejects a tip by another sender (MSG_WRONG_SENDER), a chain into another sender's messages and a fork (MSG_BROKEN_CHAIN)", async () => {
    const b1 = msg(b)
    const net = new Map<string, Message>(); put(net, b1)
    const { chains } = fakeChains(new Map(), net)
    expect(await codeAsync(chains.sync(a.publicKey, messageId(b1)))).to.equal('MSG_WRONG_SENDER')

    const a1 = msg(a); const a2 = msg(a, { prev: a1 })
    const fork = msg(a, { text: 'other first', t: NOW - 50 }); const forkTip = msg(a, { prev: fork })
    put(net, a1, a2, fork, forkTip)
    expect((await chains.sync(a.publicKey, messageId(a2))).added).to.equal(2)
    expect(await codeAsync(chains.sync(a.publicKey, messageId(forkTip)))).to.equal('MSG_BROKEN_CHAIN')
    expect(toHex(messageId(chains.head(a.publicKey)!))).to.equal(toHex(messageId(a2)))

    const into = createMessage(a.secretKey, { chainId, from: a.publicKey, timestamp: NOW, prev: messageId(b1), type: 1, body: enc.encode('x') })
    put(net, into)
    const fresh = fakeChains(new Map([[toHex(messageId(b1)), b1]]), net)
    expect(await codeAsync(fresh.chains.sync(a.publicKey, messageId(into)))).to.equal('MSG_BROKEN_CHAIN')
  })

  it('rejects a tampered message in the chain with a coded error and links nothing after it', async () => {
    const m1 = msg(a); const m2 = msg(a, { prev: m1 })
    const net = new Map<string, Message>(); put(net, m2)
    net.set(toHex(messageId(m1)), { ...m1, b: enc.encode('forged') })
    const { chains, seen } = fakeChains(new Map(), net)
    expect(await codeAsync(chains.sync(a.publicKey, messageId(m2)))).to.equal('MSG_BAD_ID')
    expect(seen).to.have.length(0)
  })

  it('lists newest first and pages with before', async () => {
    const ms: Message[] = [msg(a, { text: '0' })]
    for (let i = 1; i < 5; i++) ms.push(msg(a, { prev: ms[i - 1], text: String(i) }))
    const net = new Map<string, Message>(); put(net, ...ms)
    const { chains } = fakeChains(new Map(), net)
    await chains.sync(a.publicKey, messageId(ms[4]))
    const page1 = chains.listSender(a.publicKey, 2)
    expect(page1.map(x => new TextDecoder().decode(x.m.b))).to.deep.equal(['4', '3'])
    const page2 = chains.listSender(a.publicKey, 10, { before: page1[1].m })
    expect(page2.map(x => new TextDecoder().decode(x.m.b))).to.deep.equal(['2', '1', '0'])
  })
})

describe('messaging: gossip', () => {
  const me = generateKeyPair()
  const a = generateKeyPair()
  const c = generateKeyPair()
  const h = (n: number): Uint8Array => new Uint8Array(32).fill(n)

  it('encodes and decodes a gossip value; at most 10 entries, newest first, one tip per sender and receiver', () => {
    const book = new GossipBook()
    for (let i = 1; i <= 15; i++) book.add({ s: pkIdOf(generateKeyPair().publicKey), r: PK_ID_ANYONE, y: 1, h: h(i), t: 1000 + i })
    expect(book.add({ s: pkIdOf(a.publicKey), r: pkIdOf(me.publicKey), y: 1, h: h(100), t: 2000 })).to.equal(true)
    expect(book.add({ s: pkIdOf(a.publicKey), r: pkIdOf(me.publicKey), y: 1, h: h(100), t: 2000 }), 'duplicate').to.equal(false)
    book.add({ s: pkIdOf(a.publicKey), r: pkIdOf(me.publicKey), y: 2, h: h(101), t: 2001 })
    const v = book.value(2001)
    expect(v.g).to.have.length(10)
    expect(toHex(v.g[0].h)).to.equal(toHex(h(101)))
    expect(v.g.some(e => toHex(e.h) === toHex(h(100))), 'older tip of the same sender→receiver replaced').to.equal(false)
    const back = decodeGossip(encodeGossip(v))
    expect(back.g.map(e => toHex(e.h))).to.deep.equal(v.g.map(e => toHex(e.h)))
    expect(back.g[0].s).to.deep.equal(pkIdOf(a.publicKey))
    expect(() => encodeGossip({ g: [...v.g, ...v.g] })).to.throw()
    expect(() => decodeGossip(new Uint8Array([0x64, 0x31]))).to.throw()
  })

  it('prioritises entries addressed to us, then the newest; skips known, stale, demands, own and unknown pk_ids', () => {
    const known = h(9)
    const stranger = generateKeyPair()
    const g = {
      g: [
        { s: pkIdOf(c.publicKey), r: PK_ID_ANYONE, y: 1, h: h(1), t: 5000 },
        { s: pkIdOf(a.publicKey), r: pkIdOf(me.publicKey), y: 2, h: h(2), t: 4000 },
        { s: pkIdOf(a.publicKey), r: PK_ID_ANYONE, y: 1, h: h(3), t: 4990 },
        { s: pkIdOf(a.publicKey), r: PK_ID_ANYONE, y: 1, h: known, t: 5000 },
        { s: pkIdOf(c.publicKey), r: PK_ID_ANYONE, y: GOSSIP_Y_DEMAND, h: h(4), t: 5000 },
        { s: pkIdOf(stranger.publicKey), r: PK_ID_ANYONE, y: 1, h: h(5), t: 5000 },
        { s: pkIdOf(me.publicKey), r: PK_ID_ANYONE, y: 1, h: h(6), t: 5000 },
        { s: pkIdOf(c.publicKey), r: PK_ID_ANYONE, y: 1, h: h(7), t: 1 }
      ]
    }
    const hints = prioritise(g, { self: me.publicKey, peers: [a.publicKey, c.publicKey, me.publicKey], known: x => toHex(x) === toHex(known), nowMin: 5000 })
    expect(hints.map(x => x.h[0])).to.deep.equal([2, 1, 3])
    expect(hints[0].toMe).to.equal(true)
    expect(toHex(hints[0].sender)).to.equal(toHex(a.publicKey))
    expect(demandsOf(g).map(x => x[0])).to.deep.equal([4])
  })
})

describe('messaging: view', () => {
  it('shows encrypted text only to the receiver, and only when the caller may see it decrypted', () => {
    const a = generateKeyPair(); const b = generateKeyPair(); const c = generateKeyPair()
    const body = encryptBody(enc.encode('secret'), a.secretKey, { chainId, from: a.publicKey, to: b.publicKey })
    const m = createMessage(a.secretKey, { chainId, from: a.publicKey, to: b.publicKey, timestamp: NOW, type: MSG_TYPE_ENCRYPTED, body })
    const id = messageId(m)
    expect(viewOf(m, id, { ...b, decrypt: true }).text).to.equal('secret')
    expect(viewOf(m, id, { ...b, decrypt: false })).to.include({ text: null, encrypted: true })
    expect(viewOf(m, id, { ...c, decrypt: true })).to.include({ text: null, encrypted: true })
    expect(viewOf(msg(a, { text: 'public' }), id, { ...c, decrypt: false }).text).to.equal('public')
  })
})
