// Pool: read peers' txTip ids, fetch the transactions we lack, admit them; keep the pool in step
// with the chain (mined ones out, rolled-back ones back in); announce our own txTip on changes.
import { mergeMap } from 'rxjs'
import { isChainError } from '../../chain/errors.js'
import { NodeError } from '../errors.js'
import { toHex } from '../../chain/hex.js'
import { type Transaction, txId } from '../../chain/tx.js'
import { POOL_FETCH_CONCURRENCY } from '../constants.js'
import type { NodeContext } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'
import { type DropReason, DroppedTxs } from '../droppedTxs.js'

export class PoolPipeline implements Pipeline {
  /** Transactions that left the pool unmined, and why (GET /tx/:id/status). */
  readonly dropped = new DroppedTxs()

  constructor (private readonly ctx: NodeContext, private readonly announce: () => void) {}

  start (): Stop {
    const { ctx } = this
    // Ids to fetches, bounded: at most POOL_FETCH_CONCURRENCY at once; each answer comes back as a
    // GET_TX_FOR_MINING signal, admitted below; one staged by a sync is admitted from there.
    const fetches = ctx.router.on('pool', 'TIP_TX_FOR_MINING').pipe(
      mergeMap(s => s.ids.filter(id => !ctx.pool.has(id) && ctx.chain.getTx(id) === undefined).map(id => ({ id, peer: s.peer }))),
      mergeMap(async ({ id, peer }) => {
        const staged = ctx.fetcher.heldTx(id)
        if (staged !== undefined) this.submit(staged, 'peer')
        else await ctx.fetcher.tx(id, 'GET_TX_FOR_MINING', peer)
      }, POOL_FETCH_CONCURRENCY)
    ).subscribe()
    const admits = ctx.router.on('pool', 'GET_TX_FOR_MINING').subscribe(s => { this.submit(s.tx, 'peer') })
    return () => { fetches.unsubscribe(); admits.unsubscribe() }
  }

  /** Admits a transaction (from a peer or the API); throws the coded refusal for the API. */
  submit (tx: Transaction, from: 'peer' | 'api'): Uint8Array {
    const { ctx } = this
    const id = txId(tx)
    if (ctx.chain.getTx(id) !== undefined) {
      if (from === 'api') throw new NodeError('TX_ALREADY_MINED', 'transaction is already mined')
      return id
    }
    try {
      const r = ctx.pool.add(tx)
      const idHex = toHex(id)
      this.dropped.forget(idHex)
      if (r.replaced !== undefined) this.dropped.add(toHex(txId(r.replaced)), 'replaced', idHex)
      for (const ev of r.evicted) this.dropped.add(toHex(txId(ev)), 'evicted', idHex)
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
    const { pool } = this.ctx
    // A pooled tx whose sender and nonce a different mined tx used is dropped by removeMined.
    for (const m of minedTxs) {
      const same = pool.senderTxs(m.f).find(t => t.n === m.n)
      if (same !== undefined && !pool.has(txId(m))) this.dropped.add(toHex(txId(same)), 'nonce-used', toHex(txId(m)))
    }
    pool.removeMined(minedTxs)
    for (const tx of pool.revalidate()) this.dropped.add(toHex(txId(tx)), this.dropReason(tx))
    this.announce()
  }

  /** Why revalidate dropped `tx`, read back from the new tip state (it checks in this order). */
  private dropReason (tx: Transaction): DropReason {
    const { pool, chain } = this.ctx
    const nonce = chain.state.getAccount(tx.f)?.nonce ?? 0
    if (tx.n <= nonce) return 'nonce-used'
    if (tx.n > nonce + pool.limits.nonceWindow) return 'nonce-out-of-window'
    if (tx.t < this.ctx.nowS() - pool.limits.maxAgeS) return 'expired'
    return 'insufficient-balance'
  }

  /** After a reorg: transactions of rolled-back blocks come back when still valid. */
  onReorg (returned: Transaction[]): void {
    const back = this.ctx.pool.readmit(returned)
    for (const tx of back) this.dropped.forget(toHex(txId(tx)))
    if (back.length > 0) this.ctx.log.info('transactions returned to the pool', { count: back.length })
    this.announce()
  }
}
