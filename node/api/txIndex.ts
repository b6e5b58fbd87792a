// Where a mined transaction sits: an in-memory, bounded tx id → main-chain block map for the API.
// It is filled by a bounded scan of the newest main-chain blocks when the API starts and kept
// current from the node's `block` events (a reorg emits `block` for every block it adds). An entry
// is checked against the height index on every read, so a block that left the main chain is never
// reported; a miss falls back to a bounded scan of the newest blocks. Transactions older than
// both windows are reported as mined with an unknown block (the store keeps no tx → block index).
import { blockId } from '../../chain/block.js'
import type { Chain } from '../../chain/chain.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { NodeEvents } from '../context.js'

/** Newest main-chain blocks scanned when the API starts. */
export const TX_INDEX_WARM_BLOCKS = 5_000
/** Entries kept; the oldest inserted go first. */
export const TX_INDEX_MAX_ENTRIES = 200_000
/** Newest main-chain blocks scanned on a miss. */
export const TX_INDEX_FALLBACK_BLOCKS = 500

export interface TxLocation { id: Uint8Array, n: number }

export class TxIndex {
  private readonly map = new Map<string, TxLocation>()
  private readonly onBlock = (ev: { block: { n: number, x: Uint8Array[] }, id: Uint8Array }): void => { this.addBlock(ev.id, ev.block.n, ev.block.x) }

  constructor (private readonly chain: Chain, private readonly events: NodeEvents) {}

  start (): void {
    const tip = this.chain.tip().n
    for (let n = Math.max(1, tip - TX_INDEX_WARM_BLOCKS + 1); n <= tip; n++) {
      const b = this.chain.getBlockAt(n)
      if (b !== undefined) this.addBlock(blockId(b), b.n, b.x)
    }
    this.events.on('block', this.onBlock)
  }

  stop (): void { this.events.off('block', this.onBlock) }

  get size (): number { return this.map.size }

  /** The main-chain block holding tx `id`, if it is in the index or the fallback window. */
  locate (id: Uint8Array): TxLocation | undefined {
    const key = toHex(id)
    const hit = this.map.get(key)
    if (hit !== undefined) {
      if (this.isMainAt(hit)) return hit
      this.map.delete(key)
    }
    const tip = this.chain.tip().n
    for (let n = tip; n >= 1 && n > tip - TX_INDEX_FALLBACK_BLOCKS; n--) {
      const b = this.chain.getBlockAt(n)
      if (b === undefined) break
      if (b.x.some(x => bytesEqual(x, id))) {
        const loc = { id: blockId(b), n }
        this.put(key, loc)
        return loc
      }
    }
    return undefined
  }

  private isMainAt (loc: TxLocation): boolean {
    const id = this.chain.store.mainIdAt(loc.n)
    return id !== undefined && bytesEqual(id, loc.id)
  }

  private addBlock (id: Uint8Array, n: number, x: Uint8Array[]): void {
    for (const t of x) this.put(toHex(t), { id, n })
  }

  private put (key: string, loc: TxLocation): void {
    this.map.delete(key)
    this.map.set(key, loc)
    if (this.map.size > TX_INDEX_MAX_ENTRIES) {
      const oldest = this.map.keys().next().value
      if (oldest !== undefined) this.map.delete(oldest)
    }
  }
}
