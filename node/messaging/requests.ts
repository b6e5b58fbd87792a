// Contact requests: a key that is not a friend and names this node as receiver, seen in a gossip
// observation (resolved to a full key: the gossip's publisher, or a known peer with that pk_id)
// or in a message linked into its chain. Never auto-trusted: the key stays a request until the
// user adds it as a friend (which removes it here). Bounded; the oldest request goes first.
import { MAX_CONTACT_REQUESTS } from './constants.js'

export interface ContactRequest {
  key: string
  /** Unix ms. */ firstSeen: number
  /** Unix ms. */ lastSeen: number
  /** Observations and messages seen from it that name this node. */ count: number
  /** The newest message id it named (hex), when known. */ latest: string | null
  /** Where it was seen last. */ via: 'gossip' | 'pushed-gossip' | 'message'
}

export class RequestBook {
  private readonly requests = new Map<string, ContactRequest>()

  constructor (private readonly now: () => number = Date.now) {}

  /** Records a sighting; true when the key is a new request. */
  note (key: string, latest: string | null, via: ContactRequest['via']): boolean {
    const now = this.now()
    const r = this.requests.get(key)
    if (r !== undefined) {
      r.lastSeen = now
      r.count++
      r.via = via
      if (latest !== null) r.latest = latest
      return false
    }
    if (this.requests.size >= MAX_CONTACT_REQUESTS) this.requests.delete(this.requests.keys().next().value as string)
    this.requests.set(key, { key, firstSeen: now, lastSeen: now, count: 1, latest, via })
    return true
  }

  get (key: string): ContactRequest | undefined { return this.requests.get(key) }
  remove (key: string): boolean { return this.requests.delete(key) }
  /** Newest sighting first. */
  list (): ContactRequest[] { return [...this.requests.values()].sort((a, b) => b.lastSeen - a.lastSeen) }
}
