// A fork-aware in-memory chain for the simulation: keeps every valid block with the state after
// it, follows the highest cumulative difficulty (a tie keeps the tip) and reports each switch's
// depth and the transactions it disconnected and connected. It stands in for the real Chain
// only where the simulation asks for it (SIM_CHAIN=mem); its rules come from validateBlock.
import { type Block, blockId } from '../../chain/block.js'
import type { Genesis } from '../../chain/genesis.js'
import { isChainError } from '../../chain/errors.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import type { StateView } from '../../chain/state/account.js'
import { checkpointHeight } from '../../chain/consensus/pot.js'
import { type BlockContext, validateBlock } from '../../chain/consensus/validateBlock.js'
import { MapState, genesisState } from './simChain.js'
import type { ImportOutcome, SimChain } from './simNet.js'

interface Entry { block: Block, id: Uint8Array, txs: Transaction[], state: MapState, parent?: Entry }

export class MemForkChain implements SimChain {
  private readonly entries = new Map<string, Entry>()
  /** Main chain by height. */
  private main: Entry[]

  constructor (readonly genesis: Genesis) {
    const g: Entry = { block: genesis.block, id: genesis.blockId, txs: [], state: genesisState(genesis) }
    this.entries.set(toHex(g.id), g)
    this.main = [g]
  }

  tip (): Block { return this.main[this.main.length - 1].block }
  tipState (): StateView { return this.main[this.main.length - 1].state }
  hasBlock (id: Uint8Array): boolean { return this.entries.has(toHex(id)) }
  mainBlockAt (n: number): Block | undefined { return this.main[n]?.block }

  context (now: number): BlockContext { return this.contextFor(this.main[this.main.length - 1], now) }

  private contextFor (parent: Entry, now: number): BlockContext {
    const back = (e: Entry, n: number): Entry => { while (e.block.n > n) e = e.parent! ; return e }
    const n = parent.block.n + 1
    return {
      genesis: this.genesis, parent: parent.block, ancestor3: parent.block.n >= 3 ? back(parent, parent.block.n - 3).block : undefined,
      checkpointId: back(parent, checkpointHeight(n, this.genesis.config.mutableRange)).id, parentState: parent.state, now
    }
  }

  async importBlock (block: Block, txs: Transaction[], now: number): Promise<ImportOutcome> {
    const id = blockId(block)
    if (this.entries.has(toHex(id))) return { status: 'known', depth: 0, disconnected: [], connected: [] }
    const parent = this.entries.get(toHex(block.p))
    if (parent === undefined) return { status: 'pending', depth: 0, disconnected: [], connected: [] }
    let state: MapState
    try {
      state = parent.state.withChanges(validateBlock(block, txs, this.contextFor(parent, now)).overlay)
    } catch (e) {
      if (!isChainError(e)) throw e
      return { status: 'invalid', depth: 0, disconnected: [], connected: [], error: e.code }
    }
    const entry: Entry = { block, id, txs, state, parent }
    this.entries.set(toHex(id), entry)
    if (block.d <= this.tip().d) return { status: 'side', depth: 0, disconnected: [], connected: [] }
    // Walk the new branch down to the main chain: that is the fork point.
    const branch: Entry[] = []
    let e: Entry = entry
    while (!(this.main[e.block.n] !== undefined && bytesEqual(this.main[e.block.n].id, e.id))) { branch.unshift(e); e = e.parent! }
    const fork = e.block.n
    const dropped = this.main.slice(fork + 1)
    this.main = [...this.main.slice(0, fork + 1), ...branch]
    return {
      status: 'connected', depth: dropped.length, disconnected: dropped.map(d => d.txs).flat(), connected: branch.map(b => b.txs).flat()
    }
  }

  async close (): Promise<void> {}
}
