// The simulation's view of the real Chain (chain/chain.ts over LevelDB in a temp dir): imports
// go through Chain.importBlock with the virtual clock as its `now`, and reorg events supply the
// depth and the transactions the pool should take back.
import type { Block } from '../../chain/block.js'
import { Chain } from '../../chain/chain.js'
import type { Genesis } from '../../chain/genesis.js'
import type { Transaction } from '../../chain/tx.js'
import type { StateView } from '../../chain/state/account.js'
import type { BlockContext } from '../../chain/consensus/validateBlock.js'
import type { ReorgEvent } from '../../chain/chain/types.js'
import { makeTmpDir, removeDir } from './tmp.js'
import type { ImportOutcome, SimChain } from './simNet.js'

export class RealSimChain implements SimChain {
  private reorgs: ReorgEvent[] = []

  private constructor (readonly chain: Chain, private readonly dir: string) {
    chain.on('reorg', e => { this.reorgs.push(e) })
  }

  static async open (genesis: Genesis, now: () => number): Promise<RealSimChain> {
    const dir = makeTmpDir('tau-sim-')
    return new RealSimChain(await Chain.open(dir, genesis, { now }), dir)
  }

  tip (): Block { return this.chain.tip().block }
  tipState (): StateView { return this.chain.state }
  mainBlockAt (n: number): Block | undefined { return this.chain.getBlockAt(n) }

  context (now: number): BlockContext {
    const ctx = this.chain.blockContextFor(this.chain.tip().id, now)
    if (ctx === undefined) throw new Error('no context for the tip')
    return ctx
  }

  async importBlock (block: Block, txs: Transaction[]): Promise<ImportOutcome> {
    this.reorgs = []
    const r = await this.chain.importBlock(block, txs)
    const reorgs = this.reorgs
    const base = { depth: 0, disconnected: [] as Transaction[], connected: [] as Transaction[] }
    const error = r.invalid !== undefined ? `branch cut short: ${r.invalid.error.code}` : undefined
    switch (r.kind) {
      case 'extended':
      case 'reorged': {
        const added = reorgs.flatMap(e => e.added)
        const connected = added.length > 0 ? added.flatMap(b => b.x.map(id => this.chain.getTx(id)!)) : txs
        return {
          status: 'connected', depth: Math.max(0, ...reorgs.map(e => e.depth)), connected,
          disconnected: reorgs.flatMap(e => e.returnedTxs), error
        }
      }
      case 'side': return { ...base, status: 'side', error }
      case 'known': return { ...base, status: 'known' }
      case 'pending': return { ...base, status: 'pending' }
      case 'invalid': return { ...base, status: 'invalid', error: r.error.code }
      case 'needs-vote': return { ...base, status: 'invalid', error: `needs-vote: depth ${r.candidate.depth}` }
      case 'refused-warning': return { ...base, status: 'invalid', error: `refused: ${r.warning.message}` }
    }
  }

  async close (): Promise<void> {
    await this.chain.close()
    removeDir(this.dir)
  }
}
