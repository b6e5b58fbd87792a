// A cheaper `closest` for k-bucket's routing tables. k-bucket 5 gathers the contacts of the
// nearest leaves with one array concat per leaf, computes each contact's XOR distance over all 32
// bytes as a float (exact for the first ~6.6 bytes only), sorts [distance, contact] pairs and maps
// them back: three arrays and a pair per contact, on every get/find_node answered and on every reply
// a lookup receives (k-rpc's walk re-sorts its table each time). This walks the same leaves, keys each
// contact by the first 6 bytes of the XOR (exact in a double) and breaks the rare tie on the
// remaining bytes, so the order is the exact XOR order. It replaces the method on k-bucket's
// prototype (reached through an instance: k-bucket is the library's dependency, not ours), once.
import type { Contact, KBucket } from 'bittorrent-dht'

interface Leaf { contacts: Contact[] | null, left: Leaf, right: Leaf }
interface KBucketInternals {
  root: Leaf
  _determineNode (node: Leaf, id: Uint8Array, bitIndex: number): Leaf
}

const KEY_BYTES = 6

function xorKey (a: Uint8Array, b: Uint8Array): number {
  let d = 0
  for (let i = 0; i < KEY_BYTES; i++) d = d * 256 + ((a[i] ?? 0) ^ (b[i] ?? 0))
  return d
}

function xorCompareRest (x: Uint8Array, y: Uint8Array, target: Uint8Array): number {
  const n = Math.max(x.length, y.length)
  for (let i = KEY_BYTES; i < n; i++) {
    const dx = (x[i] ?? 0) ^ (target[i] ?? 0)
    const dy = (y[i] ?? 0) ^ (target[i] ?? 0)
    if (dx !== dy) return dx - dy
  }
  return 0
}

/** The n contacts closest to `id` by XOR distance, nearest first (k-bucket's contract). */
function closest (this: KBucketInternals, id: Uint8Array, n = Infinity): Contact[] {
  if (!(id instanceof Uint8Array)) throw new TypeError('id is not a Uint8Array')
  if ((!Number.isInteger(n) && n !== Infinity) || n <= 0) throw new TypeError('n is not positive number')
  const found: Contact[] = []
  for (let nodes = [this.root], bitIndex = 0; nodes.length > 0 && found.length < n;) {
    const node = nodes.pop() as Leaf
    if (node.contacts === null) {
      const near = this._determineNode(node, id, bitIndex++)
      nodes.push(node.left === near ? node.right : node.left)
      nodes.push(near)
    } else {
      for (const c of node.contacts) found.push(c)
    }
  }
  const keyed = found.map(c => ({ c, d: xorKey(c.id, id) }))
  keyed.sort((a, b) => (a.d - b.d) || xorCompareRest(a.c.id, b.c.id, id))
  const m = Math.min(n, keyed.length)
  const out = new Array<Contact>(m)
  for (let i = 0; i < m; i++) out[i] = keyed[i].c
  return out
}

const installed = new WeakSet<object>()

/** Gives every k-bucket sharing `bucket`'s class the cheaper closest (a no-op the second time). */
export function installFastClosest (bucket: KBucket): void {
  const proto = Object.getPrototypeOf(bucket) as { closest: unknown } | null
  if (proto === null || installed.has(proto)) return
  proto.closest = closest
  installed.add(proto)
}
