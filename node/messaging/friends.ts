// Friends (seed design: "a user adds a friend by scanning their public key"): keys this node talks
// to on purpose. Added through the admin API or the config file's `friends`; kept in
// <data-dir>/messaging/friends.json. A friend is a peer that is never evicted, whose msgTip and
// gossip the node reads (gossip at the interval the friend announces, `q`), and whose messages
// to this node are a conversation rather than a contact request. What the friend announced about
// itself (nickname `u`, interval `q`) is kept in memory.
import { join } from 'node:path'
import { NodeError } from '../errors.js'
import { fromHex, toHex } from '../../chain/hex.js'
import { GOSSIP_INTERVALS_MIN, MAX_FRIEND_NAME_BYTES, MAX_FRIENDS } from './constants.js'
import { readJsonObject, writeJsonAtomic } from './jsonStore.js'

export interface Friend {
  key: string
  name: string | null
  /** Unix ms when added. */ addedAt: number
  /** True when it comes from the config file (it comes back at each start). */ fromConfig: boolean
  /** The nickname it gossips (`u`), when heard. */ nickname: string | null
  /** The gossip interval it announces (`q`, minutes), when heard. */ interval: number | null
}

const HEX64 = /^[0-9a-f]{64}$/
const utf8 = new TextDecoder('utf-8', { fatal: false })

/** Checks a friend's key and name; throws NodeError MSG_BAD_FRIEND. */
export function checkFriend (key: string, name?: string): { key: string, name: string | null } {
  const k = key.toLowerCase()
  if (!HEX64.test(k)) throw new NodeError('MSG_BAD_FRIEND', 'a friend key is 64 hex characters (a public key)')
  if (name !== undefined && (name.length === 0 || Buffer.byteLength(name, 'utf8') > MAX_FRIEND_NAME_BYTES)) {
    throw new NodeError('MSG_BAD_FRIEND', `a friend name is 1..${MAX_FRIEND_NAME_BYTES} UTF-8 bytes`)
  }
  return { key: k, name: name ?? null }
}

export class FriendBook {
  private readonly friends = new Map<string, Friend>()
  private readonly file?: string

  /** Without a directory the book lives in memory only (tests). */
  constructor (dir: string | undefined, private readonly self: string, config: Array<{ key: string, name?: string }> = [], private readonly now: () => number = Date.now) {
    if (dir !== undefined) {
      this.file = join(dir, 'friends.json')
      for (const [k, v] of Object.entries(readJsonObject(this.file))) {
        const e = v as Partial<Friend>
        if (!HEX64.test(k) || k === self || this.friends.size >= MAX_FRIENDS) continue
        this.friends.set(k, { key: k, name: typeof e.name === 'string' ? e.name : null, addedAt: Number.isSafeInteger(e.addedAt) ? e.addedAt! : 0, fromConfig: false, nickname: null, interval: null })
      }
    }
    for (const c of config) {
      const f = checkFriend(c.key, c.name)
      if (f.key === self) continue
      const had = this.friends.get(f.key)
      this.friends.set(f.key, { key: f.key, name: f.name ?? had?.name ?? null, addedAt: had?.addedAt ?? 0, fromConfig: true, nickname: null, interval: null })
    }
  }

  has (key: Uint8Array | string): boolean { return this.friends.has(typeof key === 'string' ? key : toHex(key)) }
  get (key: Uint8Array | string): Friend | undefined { return this.friends.get(typeof key === 'string' ? key : toHex(key)) }
  list (): Friend[] { return [...this.friends.values()] }
  keys (): Uint8Array[] { return [...this.friends.keys()].map(k => fromHex(k)) }
  get size (): number { return this.friends.size }

  /** Adds or renames a friend; true when it is new. Throws MSG_BAD_FRIEND / MSG_TOO_MANY_FRIENDS. */
  add (key: string, name?: string): { friend: Friend, added: boolean } {
    const f = checkFriend(key, name)
    if (f.key === this.self) throw new NodeError('MSG_BAD_FRIEND', 'this node cannot be its own friend')
    const had = this.friends.get(f.key)
    if (had === undefined && this.friends.size >= MAX_FRIENDS) throw new NodeError('MSG_TOO_MANY_FRIENDS', `at most ${MAX_FRIENDS} friends`)
    const friend: Friend = had !== undefined ? { ...had, name: f.name ?? had.name } : { key: f.key, name: f.name, addedAt: this.now(), fromConfig: false, nickname: null, interval: null }
    this.friends.set(f.key, friend)
    this.flush()
    return { friend, added: had === undefined }
  }

  /** Removes a friend; false when it was not one. */
  remove (key: string): boolean {
    const k = checkFriend(key).key
    if (!this.friends.delete(k)) return false
    this.flush()
    return true
  }

  /** What a friend's gossip said about itself: `q` (only the announced values count) and `u`. */
  heard (key: string, q: number | undefined, u: Uint8Array | undefined): void {
    const f = this.friends.get(key)
    if (f === undefined) return
    if (q !== undefined && GOSSIP_INTERVALS_MIN.includes(q)) f.interval = q
    if (u !== undefined) f.nickname = utf8.decode(u)
  }

  private flush (): void {
    if (this.file === undefined) return
    const out: Record<string, { name: string | null, addedAt: number }> = {}
    for (const f of this.friends.values()) if (!f.fromConfig) out[f.key] = { name: f.name, addedAt: f.addedAt }
    writeJsonAtomic(this.file, out)
  }
}
