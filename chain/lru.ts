// A small bounded map with least-recently-used eviction (Map keeps insertion order, so
// re-inserting moves an entry to the young end and the first key is the oldest).
// It is a primitive like hex.ts, so every layer may use it (dht/ included): one eviction rule
// instead of a hand-written "delete the first key" in every cache.

export class Lru<K, V> {
  private readonly map = new Map<K, V>()

  constructor (readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('LRU capacity must be at least 1')
  }

  get size (): number { return this.map.size }

  has (key: K): boolean { return this.map.has(key) }

  /** The value, and the entry becomes the youngest. */
  get (key: K): V | undefined {
    if (!this.map.has(key)) return undefined
    const v = this.map.get(key) as V
    this.map.delete(key)
    this.map.set(key, v)
    return v
  }

  /** The value without touching its age: for caches whose reads must not keep an entry alive. */
  peek (key: K): V | undefined { return this.map.get(key) }

  /** Inserts or replaces; either way the entry becomes the youngest, and the oldest goes when over capacity. */
  set (key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K)
  }

  delete (key: K): boolean { return this.map.delete(key) }

  clear (): void { this.map.clear() }
}
