// Senders' hash chains (seed design: "A maintains a hash chain of messages"). A tip id read from a
// sender's msgTip (or named by gossip) is fetched and the chain walked backwards until a message
// we already linked, bounded per walk; fetched messages are stored as they arrive (so a long gap
// is continued on the next walk), and the head only moves once the segment links to it.
import { NodeError } from '../errors.js'
import { bytesEqual, fromHex, toHex } from '../../chain/hex.js'
import { type Message, messageId } from '../../chain/message.js'
import { CHAIN_MAX_FETCH_PER_WALK, CHAIN_MAX_WALK } from './constants.js'
import type { HeadStore } from './heads.js'
import { type ValidateRules, checkLink, validateMessage } from './validate.js'

export interface ChainDeps {
  heads: HeadStore
  rules: () => ValidateRules
  getStored: (id: Uint8Array) => Message | undefined
  putStored: (m: Message) => Promise<unknown>
  /** From the DHT; null when nobody answered (the caller's fetcher puts the id into demand). */
  fetch: (id: Uint8Array, peer?: Uint8Array) => Promise<Message | null>
  /** Each newly linked message, oldest first. */
  onNew: (m: Message, id: Uint8Array) => void
}

export interface SyncResult {
  /** Messages newly linked into the sender's chain. */ added: number
  /** True when the chain now reaches the tip. */ complete: boolean
  /** The id the walk could not fetch (it is in demand). */ missing?: Uint8Array
}

export class MessageChains {
  constructor (private readonly d: ChainDeps) {}

  head (sender: Uint8Array): Message | undefined {
    const h = this.d.heads.get(toHex(sender))
    return h === undefined ? undefined : this.d.getStored(fromHex(h.id))
  }

  /** True when `id` is the head of its sender's chain or the store has it. */
  knows (id: Uint8Array): boolean { return this.d.getStored(id) !== undefined }

  /** Links the node's own new message (already validated and stored). */
  appendOwn (m: Message, id: Uint8Array): void {
    const hex = toHex(m.f)
    const h = this.d.heads.get(hex)
    this.d.heads.set(hex, { id: toHex(id), t: m.t, n: (h?.n ?? 0) + 1 })
  }

  /**
   * Walks `sender`'s chain back from `tip`. Throws NodeError (MSG_*) for a bad or foreign message;
   * messages before the bad one that link stay linked.
   */
  async sync (sender: Uint8Array, tip: Uint8Array, peer?: Uint8Array): Promise<SyncResult> {
    const senderHex = toHex(sender)
    const head = this.d.heads.get(senderHex)
    if (head !== undefined && head.id === toHex(tip)) return { added: 0, complete: true }
    const segment: Array<{ m: Message, id: Uint8Array }> = [] // newest first
    let id = tip
    let fetched = 0
    let linked = false
    for (let steps = 0; steps < CHAIN_MAX_WALK; steps++) {
      if (head !== undefined && head.id === toHex(id)) { linked = true; break }
      let m: Message | null | undefined = this.d.getStored(id)
      if (m === undefined) {
        if (fetched >= CHAIN_MAX_FETCH_PER_WALK) return { added: 0, complete: false }
        fetched++
        m = await this.d.fetch(id, peer)
        if (m === null) return { added: 0, complete: false, missing: id }
        if (!bytesEqual(messageId(m), id)) throw new NodeError('MSG_BAD_ID', 'fetched message has another id')
        this.check(m, sender)
        await this.d.putStored(m)
      } else if (!bytesEqual(m.f, sender)) {
        throw new NodeError('MSG_BROKEN_CHAIN', "the chain runs into another sender's message")
      }
      if (m === null) break
      segment.push({ m, id })
      if (m.p.length === 0) {
        if (head !== undefined) throw new NodeError('MSG_BROKEN_CHAIN', "chain does not link to the sender's known messages (fork)")
        linked = true
        break
      }
      id = m.p
    }
    if (!linked) return { added: 0, complete: false }
    segment.reverse()
    let prev = head !== undefined ? this.d.getStored(fromHex(head.id)) : undefined
    let n = head?.n ?? 0
    let added = 0
    for (const { m, id: mid } of segment) {
      if (prev !== undefined) checkLink(m, prev)
      else if (m.p.length !== 0) throw new NodeError('MSG_BROKEN_CHAIN', 'first message of a chain names a predecessor')
      this.check(m, sender)
      n++
      added++
      this.d.heads.set(senderHex, { id: toHex(mid), t: m.t, n })
      this.d.onNew(m, mid)
      prev = m
    }
    return { added, complete: true }
  }

  private check (m: Message, sender: Uint8Array): void {
    if (!bytesEqual(m.f, sender)) throw new NodeError('MSG_WRONG_SENDER', "message is not by the peer whose chain is walked")
    validateMessage(m, this.d.rules())
  }

  /**
   * Up to `limit` messages of one sender, newest first, starting before `before` (a message id in
   * that chain) or at the head. Local only.
   */
  listSender (sender: Uint8Array, limit: number, o: { before?: Message, cutoffT?: number } = {}): Array<{ m: Message, id: Uint8Array }> {
    const out: Array<{ m: Message, id: Uint8Array }> = []
    let id: Uint8Array | undefined
    if (o.before !== undefined && bytesEqual(o.before.f, sender)) id = o.before.p.length > 0 ? o.before.p : undefined
    else {
      const h = this.d.heads.get(toHex(sender))
      id = h === undefined ? undefined : fromHex(h.id)
    }
    for (let steps = 0; id !== undefined && out.length < limit && steps < CHAIN_MAX_WALK; steps++) {
      const m = this.d.getStored(id)
      if (m === undefined) break
      if (o.cutoffT === undefined || m.t < o.cutoffT) out.push({ m, id })
      id = m.p.length > 0 ? m.p : undefined
    }
    return out
  }
}
