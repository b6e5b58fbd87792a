// The ids this node needs and could not fetch (PROTOCOL §7, §9): they go into its `demand` item so
// peers that hold them put them. Bounded per kind; each id expires after DEMAND_ID_TTL_MS, and goes
// as soon as the node holds the item however it came (a later fetch, a sync, its own pool): every
// peer that holds a demanded item puts it again each REPUT_AFTER_MS while the demand stands.
import { fromHex, toHex } from '../chain/hex.js'
import type { Demand } from '../dht/index.js'
import { DEMAND_ID_TTL_MS, DEMAND_MAX_IDS_PER_KIND } from './constants.js'

export type DemandKind = 'b' | 'x' | 'm'

/** Whether the node holds the item `id` of `kind` (stored, or in its pool). */
export type Holds = (kind: DemandKind, id: Uint8Array) => boolean

export class DemandSet {
  private readonly ids: Record<DemandKind, Map<string, number>> = { b: new Map(), x: new Map(), m: new Map() }
  private changed = false

  constructor (private readonly now: () => number = Date.now, private readonly holds: Holds = () => false) {}

  /** Asks for `id`; the oldest request of that kind makes room when full. */
  add (kind: DemandKind, id: Uint8Array): void {
    const m = this.ids[kind]
    const hex = toHex(id)
    if (!m.has(hex)) {
      if (m.size >= DEMAND_MAX_IDS_PER_KIND) m.delete(m.keys().next().value as string)
      this.changed = true
    }
    m.set(hex, this.now() + DEMAND_ID_TTL_MS)
  }

  /** The item arrived: stop asking. */
  satisfied (kind: DemandKind, id: Uint8Array): void {
    if (this.ids[kind].delete(toHex(id))) this.changed = true
  }

  has (kind: DemandKind, id: Uint8Array): boolean { return this.ids[kind].has(toHex(id)) }

  get size (): number { return this.ids.b.size + this.ids.x.size + this.ids.m.size }

  /** The current demand value, dropping expired and held ids; `changed` says whether it differs from the last take. */
  take (): { value: Demand, changed: boolean } {
    const t = this.now()
    for (const kind of ['b', 'x', 'm'] as const) {
      const m = this.ids[kind]
      for (const [hex, exp] of m) if (exp <= t || this.holds(kind, fromHex(hex))) { m.delete(hex); this.changed = true }
    }
    const list = (k: DemandKind): Uint8Array[] => [...this.ids[k].keys()].map(h => fromHex(h))
    const changed = this.changed
    this.changed = false
    return { value: { b: list('b'), x: list('x'), m: list('m') }, changed }
  }
}
