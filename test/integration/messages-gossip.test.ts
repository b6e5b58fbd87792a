// Gossip reaching a real in-process node as a put pushed over UDP on 127.0.0.1 from other keys'
// DHT engines: a key the node never saw, whose gossip names the node as receiver, becomes a contact
// request and nothing more (not a peer, nothing fetched); observations naming someone else, or
// claiming another sender's pk_id, do not. A friend's gossip tells the node its interval and
// nickname (shown by GET /admin/friends).
import { expect } from 'chai'
import { type KeyPair, keyPairFromSeed } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import { Channels, DhtEngine, Getter, type Gossip, Putter, SeqClock } from '../../dht/index.js'
import { pkIdOf } from '../../node/messaging/validate.js'
import { type MsgNode, MSG_KEYS, api, startMsgNode, stopMsgNode } from '../helpers/msgNode.js'
import { waitFor } from '../helpers/wait.js'

describe('messages: pushed gossip, contact requests and announced intervals (real node, real UDP)', function () {
  this.timeout(60_000)
  let f: MsgNode
  const engines: DhtEngine[] = []

  before(async () => { f = await startMsgNode() })
  after(async () => {
    for (const e of engines) await e.stop()
    await stopMsgNode(f)
  })

  /** Publishes `value` as `kp`'s gossip on its own engine and pushes it to the node. */
  async function pushGossip (kp: KeyPair, value: Gossip): Promise<void> {
    const engine = new DhtEngine({ keyPair: kp, host: '127.0.0.1', port: 0, bootstrap: [] })
    await engine.start()
    engines.push(engine)
    const ch = new Channels({ engine, getter: new Getter(engine), putter: new Putter(engine), seq: new SeqClock(), chainId: f.genesis.chainId, blockTimeS: f.genesis.config.blockTime })
    const { target } = ch.publish('gossip', value)
    const out = await new Putter(engine).push(target, [f.node.ctx.engine.endpoint])
    expect(out.ok + out.already, 'the push was stored').to.equal(1)
  }

  it("a stranger's gossip naming this node is a contact request, never a peer; other entries are not", async () => {
    const stranger = keyPairFromSeed('msg-gossip-stranger')
    const me = f.node.ctx.key.publicKey
    const h = new Uint8Array(32).fill(0x42)
    const t = Math.floor(Date.now() / 60_000)
    await pushGossip(stranger, {
      g: [
        { s: pkIdOf(stranger.publicKey), r: pkIdOf(me), y: 1, h, t },
        { s: pkIdOf(stranger.publicKey), r: new Uint8Array(4).fill(9), y: 1, h: new Uint8Array(32).fill(1), t }, // to someone else
        { s: pkIdOf(MSG_KEYS[1].publicKey), r: pkIdOf(me), y: 1, h: new Uint8Array(32).fill(2), t } // claims another sender
      ],
      q: 1
    })
    await waitFor(() => f.node.messages.requests.list().length > 0, { timeoutMs: 10_000, what: 'the contact request' })
    const reqs = (await api<{ requests: Array<{ key: string, latest: string, via: string }> }>(f, 'GET', '/messages/requests', { admin: true })).json.requests
    expect(reqs).to.deep.equal([{ ...reqs[0], key: toHex(stranger.publicKey), latest: toHex(h), via: 'pushed-gossip' }])
    expect(f.node.ctx.peers.get(stranger.publicKey), 'not trusted: not a peer').to.equal(undefined)
    expect(f.node.ctx.chain.messages.has(h)).to.equal(false)
    expect(f.node.messages.reader.stats.unknownPushed).to.equal(1)
  })

  it("a friend's gossip tells its interval and nickname", async () => {
    const friend = MSG_KEYS[1]
    expect((await api(f, 'POST', '/admin/friends', { admin: true, body: { key: toHex(friend.publicKey) } })).status).to.equal(200)
    await pushGossip(friend, { g: [], q: 30, u: new TextEncoder().encode('bobby') })
    await waitFor(async () => (await api<{ friends: Array<{ interval: number | null }> }>(f, 'GET', '/admin/friends', { admin: true })).json.friends[0]?.interval === 30,
      { timeoutMs: 10_000, what: "the friend's announced interval" })
    const fr = (await api<{ friends: Array<Record<string, unknown>> }>(f, 'GET', '/admin/friends', { admin: true })).json.friends
    expect(fr[0]).to.include({ key: toHex(friend.publicKey), interval: 30, nickname: 'bobby', fromConfig: false })
    expect(f.node.messages.reader.intervalOf(toHex(friend.publicKey)), 'nothing missed yet: the base interval').to.equal(3000)
  })
})
