// A conversation between this node and one key: the node's own messages to it and its messages to
// the node, merged newest first. Read receipts (PROTOCOL §3 v2 `r`) tie the two chains into one
// dual-chain DAG: a message's `r` names the newest message from the other side its sender held,
// so every own message at or before the one named by a trusted receipt was delivered, and every
// message of theirs at or before the one named by our receipt was read.
// A receipt is trusted only when its message is addressed to the other side and `r` names a stored
// message whose sender is that other side; an unknown or foreign id is kept (it is part of the
// signed message) but ignored. A receipt cannot be forged: `r` is covered by the sender's signature.
import { bytesEqual, toHex } from '../../chain/hex.js'
import { type Message, messageId } from '../../chain/message.js'
import { CONVERSATION_MAX_SCAN } from './constants.js'

export interface Linked { m: Message, id: Uint8Array }

export type MessageState = 'sent' | 'delivered' | 'received' | 'read'

export interface ConversationItem extends Linked {
  state: MessageState
  /** False when the message carries an `r` that is not trusted (unknown or foreign id). */
  receiptTrusted: boolean | null
}

export interface ConversationDeps {
  self: Uint8Array
  getStored: (id: Uint8Array) => Message | undefined
  /** Newest first, whole chain of one sender (bounded by the caller). */
  chainOf: (sender: Uint8Array, limit: number) => Linked[]
}

/** True when `m`'s receipt names a stored message of `by` (the side `m` is addressed to). */
export function receiptTrusted (m: Message, getStored: (id: Uint8Array) => Message | undefined): boolean {
  if (m.r === undefined || m.o === undefined) return false
  const named = getStored(m.r)
  return named !== undefined && bytesEqual(named.f, m.o) && bytesEqual(messageId(named), m.r)
}

/** Newest first. */
export function conversation (d: ConversationDeps, other: Uint8Array): ConversationItem[] {
  const own = d.chainOf(d.self, CONVERSATION_MAX_SCAN)
  const theirs = d.chainOf(other, CONVERSATION_MAX_SCAN)
  const ownIndex = new Map(own.map((x, i) => [toHex(x.id), i]))
  const theirIndex = new Map(theirs.map((x, i) => [toHex(x.id), i]))
  const toOther = own.filter(x => x.m.o !== undefined && bytesEqual(x.m.o, other))
  const toMe = theirs.filter(x => x.m.o !== undefined && bytesEqual(x.m.o, d.self))
  // Chains are newest first, so the newest receipt names the smallest index; everything at a
  // larger or equal index (older) is covered by it.
  const covered = (list: Linked[], index: Map<string, number>): number => {
    let best = Number.POSITIVE_INFINITY
    for (const x of list) {
      if (x.m.r === undefined || !receiptTrusted(x.m, d.getStored)) continue
      const i = index.get(toHex(x.m.r))
      if (i !== undefined && i < best) best = i
    }
    return best
  }
  const deliveredFrom = covered(toMe, ownIndex)
  const readFrom = covered(toOther, theirIndex)
  const items: ConversationItem[] = [
    ...toOther.map(x => ({ ...x, state: (ownIndex.get(toHex(x.id))! >= deliveredFrom ? 'delivered' : 'sent') as MessageState, receiptTrusted: x.m.r === undefined ? null : receiptTrusted(x.m, d.getStored) })),
    ...toMe.map(x => ({ ...x, state: (theirIndex.get(toHex(x.id))! >= readFrom ? 'read' : 'received') as MessageState, receiptTrusted: x.m.r === undefined ? null : receiptTrusted(x.m, d.getStored) }))
  ]
  // Time first; within one second, DAG order (a message after everything its p and r reach), then id.
  const depth = dagDepths(items)
  return items.sort((a, b) => b.m.t - a.m.t || depth.get(toHex(b.id))! - depth.get(toHex(a.id))! || (toHex(a.id) < toHex(b.id) ? 1 : -1))
}

/**
 * Each item's depth in the conversation's DAG: 1 + the deepest item its `p` or `r` names (links
 * outside the list count 0). Iterative (chains can be long); links are hashes, so there is no cycle,
 * and the work is bounded by a step count anyway.
 */
function dagDepths (items: Linked[]): Map<string, number> {
  const byId = new Map(items.map(x => [toHex(x.id), x]))
  const depth = new Map<string, number>()
  const linksOf = (x: Linked): Linked[] => [x.m.p, x.m.r].flatMap(d => d !== undefined && d.length > 0 ? [byId.get(toHex(d))] : []).filter(y => y !== undefined)
  let steps = 0
  for (const start of items) {
    const stack: Linked[] = [start]
    while (stack.length > 0 && steps++ < items.length * 8) {
      const x = stack[stack.length - 1]
      const k = toHex(x.id)
      if (depth.has(k)) { stack.pop(); continue }
      const links = linksOf(x)
      const pending = links.filter(y => !depth.has(toHex(y.id)))
      if (pending.length > 0) { stack.push(...pending); continue }
      depth.set(k, 1 + Math.max(0, ...links.map(y => depth.get(toHex(y.id)) ?? 0)))
      stack.pop()
    }
    if (!depth.has(toHex(start.id))) depth.set(toHex(start.id), 0)
  }
  return depth
}

export interface DagCheck { ok: boolean, messages: number, reached: number, problems: string[] }

/**
 * Checks that a conversation is one dual-chain DAG: each side's messages link by `p` to the one
 * before (within the conversation, messages to third parties may sit between), every trusted
 * receipt names a message of the other side, and a walk from the newest messages along `p` and
 * `r` (bounded by the list) reaches every message of the conversation.
 */
export function checkDag (items: ConversationItem[], getStored: (id: Uint8Array) => Message | undefined): DagCheck {
  const byId = new Map(items.map(x => [toHex(x.id), x]))
  const problems: string[] = []
  for (const x of items) {
    if (x.m.p.length > 0) {
      const prev = getStored(x.m.p)
      if (prev === undefined) problems.push(`${toHex(x.id)}: p names a message not held`)
      else if (!bytesEqual(prev.f, x.m.f)) problems.push(`${toHex(x.id)}: p names another sender's message`)
    }
    if (x.receiptTrusted === false) problems.push(`${toHex(x.id)}: receipt not trusted`)
  }
  // Walk from the newest message of each side along p and r.
  const seen = new Set<string>()
  const stack: Uint8Array[] = []
  for (const x of items) if (!items.some(y => (y.m.p.length > 0 && bytesEqual(y.m.p, x.id)) || (y.m.r !== undefined && bytesEqual(y.m.r, x.id)))) stack.push(x.id)
  let steps = 0
  while (stack.length > 0 && steps++ < CONVERSATION_MAX_SCAN * 4) {
    const id = stack.pop()!
    const hex = toHex(id)
    if (seen.has(hex)) continue
    seen.add(hex)
    const m = byId.get(hex)?.m ?? getStored(id)
    if (m === undefined) continue
    if (m.p.length > 0) stack.push(m.p)
    if (m.r !== undefined) stack.push(m.r)
  }
  const reached = items.filter(x => seen.has(toHex(x.id))).length
  // One DAG, not two chains side by side: when both sides wrote, some receipt must join them.
  const senders = new Set(items.map(x => toHex(x.m.f)))
  if (senders.size > 1 && !items.some(x => x.receiptTrusted === true)) problems.push('no trusted receipt joins the two chains')
  return { ok: problems.length === 0 && reached === items.length, messages: items.length, reached, problems }
}
