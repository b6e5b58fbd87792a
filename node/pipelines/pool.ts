// Pool: read peers' txTip ids, fetch the transactions we lack, admit them; keep the pool in step
// with the chain (mined ones out, rolled-back ones back in); announce our own txTip on changes.
import { type Subscription, mergeMap } from 'rxjs'
import { isChainError } from '../../chain/errors.js'
import { toHex } from '../../chain/hex.js'
import { type Transaction, txId } from '../../chain/tx.js'
import { POOL_FETCH_CONCURRENCY } from '../constants.js'
import type { NodeContext } from '../context.js'

export class PoolPipeline {
  constructor (private readonly ctx: NodeContext, private readonly announce: () => void) {}

  start (): Subscription {
    const { ctx } = this
    // Ids to transactions, bounded: at most POOL_FETCH_CONCURRENCY fetches at once.
    return ctx.router.on('TIP_TX_FOR_MINING').pipe(
      mergeMap(s => s.ids.filter(id => !ctx.pool.has(id) && ctx.chain.getTx(id) === undefined).map(id => ({ id, peer: s.peer }))),
      mergeMap(({ id, peer }) => ctx.fetcher.tx(id, 'GET_TX_FOR_MINING', peer), POOL_FETCH_CONCURRENCY)
    ).subscribe(tx => { if (tx !== null) this.submit(tx, 'peer') })
  }

  /** Admits a transaction (from a peer or the API); throws the coded refusal for the API. */
  submit (tx: Transaction, from: 'peer' | 'api'): Uint8Array {
    const { ctx } = this
    const id = txId(tx)
    if (ctx.chain.getTx(id) !== undefined) {
      if (from === 'api') throw Object.assign(new Error('transaction is already mined'), { code: 'TX_ALREADY_MINED' })
      return id
    }
    try {
      ctx.pool.add(tx)
    } catch (e) {
      if (from === 'api' || !isChainError(e)) throw e
      ctx.log.debug('peer tx refused', { id: toHex(id), code: e.code })
      return id
    }
    ctx.log.debug('tx admitted', { id: toHex(id), from })
    ctx.events.emit('tx', { tx, id })
    this.announce()
    return id
  }

  /** After every tip change: mined transactions leave, invalid ones are dropped. */
  onTip (minedTxs: Transaction[]): void {
    this.ctx.pool.removeMined(minedTxs)
    this.ctx.pool.revalidate()
    this.announce()
  }

  /** After a reorg: transactions of rolled-back blocks come back when still valid. */
  onReorg (returned: Transaction[]): void {
    const back = this.ctx.pool.readmit(returned)
    if (back.length > 0) this.ctx.log.info('transactions returned to the pool', { count: back.length })
    this.announce()
  }
}
