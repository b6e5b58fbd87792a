// What this node stores and serves besides the library's put store.
// - The library keeps items others put here in an LRU bounded only by count (`maxValues`);
//   limitStoredBytes adds a byte budget on top by wrapping the LRU's set/evict.
// - The library does not keep a node's own mutable puts, so a publisher could not answer a
//   direct get for its own channel; OwnItems keeps them (bounded, oldest dropped first).
import type { StoredValue, ValueLru } from 'bittorrent-dht'
import { toHex } from '../chain/hex.js'
import { Lru } from '../chain/lru.js'
import { MAX_VALUE_BYTES } from './constants.js'
import { isBytes, measureValue } from './wire.js'

function entryBytes (e: StoredValue): number {
  const m = measureValue(e.v, Number.MAX_SAFE_INTEGER)
  const v = m.ok ? m.bytes : MAX_VALUE_BYTES // everything stored was measured on the way in
  const extra = (x: unknown): number => isBytes(x) ? x.length : 0
  return v + extra(e.k) + extra(e.sig) + extra(e.salt) + 8
}

/** Bounds the total bytes of an LRU of stored values; returns a reader for the current total. */
export function limitStoredBytes (lru: ValueLru, maxBytes: number): () => number {
  const sizes = new Map<string, number>()
  let total = 0
  lru.on('evict', (ev: { key: string }) => {
    total -= sizes.get(ev.key) ?? 0
    sizes.delete(ev.key)
  })
  const set = lru.set.bind(lru)
  lru.set = (key: string, value: StoredValue): StoredValue => {
    const size = entryBytes(value)
    const old = sizes.get(key)
    set(key, value) // may evict the LRU tail by count (the listener above adjusts the total)
    sizes.set(key, size)
    total += size - (old ?? 0)
    // Evict least recently used until under budget; never the entry just written.
    while (total > maxBytes && lru.length > 1) lru.evict()
    return value
  }
  return () => total
}

export interface OwnItem {
  target: Uint8Array
  k: Buffer
  salt: Buffer
  seq: number
  sig: Buffer
  /** The value as sent on the wire (Buffers, plain objects). */
  v: Record<string, unknown>
  /** Its canonical bytes. */
  value: Uint8Array
}

export class OwnItems {
  private readonly items: Lru<string, OwnItem>

  constructor (max: number) { this.items = new Lru(max) }

  /** A re-published item becomes the youngest; the oldest goes when full. */
  keep (item: OwnItem): void {
    this.items.set(toHex(item.target), item)
  }

  /** Serving an item does not keep it: only publishing does. */
  get (target: Uint8Array): OwnItem | undefined {
    return this.items.peek(toHex(target))
  }

  get size (): number {
    return this.items.size
  }
}
