// The node's reactions to the chain's events, as a pipeline: a new tip or a reorg is counted,
// logged and streamed (ctx.events, the API's server-sent events), its miners and senders become
// peers, and the hooks hand the mined and returned transactions on (the pool, then the publisher
// and mining). Listening from before the other parts start, so no tip goes unseen.
import { type Block, blockId } from '../../chain/block.js'
import type { ChainWarning, ReorgEvent, TipInfo } from '../../chain/chain.js'
import { bytesEqual, toHex } from '../../chain/hex.js'
import type { Transaction } from '../../chain/tx.js'
import type { NodeContext } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'

export interface ChainEventHooks {
  /** After a reorg: the transactions of the blocks it took off the main chain. */
  onReorg: (returned: Transaction[]) => void
  /** After a tip change: the transactions of the blocks that joined the main chain, in order. */
  onTip: (mined: Transaction[]) => void
}

/** The parts of the node context this pipeline reads and writes. */
export type ChainEventsContext = Pick<NodeContext, 'chain' | 'key' | 'state' | 'log' | 'events' | 'peers'>

export class ChainEventsPipeline implements Pipeline {
  constructor (private readonly ctx: ChainEventsContext, private readonly hooks: ChainEventHooks) {}

  start (): Stop {
    const { ctx, hooks } = this
    let lastTip: TipInfo = ctx.chain.tip()
    // A reorg is emitted before its tip: the tip handler takes the reorg's added blocks.
    let reorgAdded: Block[] | undefined
    const onReorg = (ev: ReorgEvent): void => {
      reorgAdded = ev.added
      ctx.state.reorgs++
      ctx.log.info('reorg', { depth: ev.depth, from: toHex(ev.oldTip.id), to: toHex(ev.newTip.id), height: ev.newTip.n, returnedTxs: ev.returnedTxs.length })
      ctx.events.emit('reorg', { depth: ev.depth, oldTip: ev.oldTip.id, newTip: ev.newTip.id, height: ev.newTip.n })
      hooks.onReorg(ev.returnedTxs)
    }
    const onTip = (tip: TipInfo): void => {
      const added = reorgAdded ?? this.blocksSince(lastTip, tip)
      reorgAdded = undefined
      lastTip = tip
      const mined: Transaction[] = []
      for (const block of added) {
        const id = blockId(block)
        const own = bytesEqual(block.m, ctx.key.publicKey)
        if (!own) {
          ctx.state.importedBlocks++
          ctx.log.info('imported block', { height: block.n, id: toHex(id), parent: toHex(block.p), t: block.t, txs: block.x.length, miner: toHex(block.m).slice(0, 16) })
        }
        ctx.peers.add(block.m, 'miner')
        for (const tx of ctx.chain.blockTxs(block)) {
          mined.push(tx)
          ctx.peers.add(tx.f, 'tx')
          if (tx.o !== undefined) ctx.peers.add(tx.o, 'tx')
        }
        ctx.events.emit('block', { block, id, mined: own })
      }
      hooks.onTip(mined)
    }
    const onWarning = (w: ChainWarning): void => {
      // Once per fork (chain/chain/warnings.ts); the message names what the operator can do.
      ctx.log.warn(w.message, { reason: w.reason, depth: w.depth, candidate: toHex(w.candidateId), height: w.candidateHeight, forkHeight: w.forkHeight })
      ctx.events.emit('warning', { message: w.message, data: { depth: w.depth, reason: w.reason } })
    }
    ctx.chain.on('reorg', onReorg)
    ctx.chain.on('tip', onTip)
    ctx.chain.on('warning', onWarning)
    return () => {
      ctx.chain.off('reorg', onReorg)
      ctx.chain.off('tip', onTip)
      ctx.chain.off('warning', onWarning)
    }
  }

  /** Main-chain blocks from just after `from` up to `to` (an extension), lowest first. */
  private blocksSince (from: TipInfo, to: TipInfo): Block[] {
    const out: Block[] = []
    let b: Block | undefined = to.block
    for (let i = 0; b !== undefined && b.n > from.n && i < to.n - from.n + 1; i++) {
      out.push(b)
      b = this.ctx.chain.getBlock(b.p)
    }
    return out.reverse()
  }
}
