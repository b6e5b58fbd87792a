// `--wait`: follows a submitted transaction to mined (height, confirmations) and then to final (at
// or below the consensus point, or deeper than 3·M), or to `confirmations` when given. Polls the
// node's GET /tx/:id/status with a deadline; a drop is an error with the node's reason.
import type { NodeClient, TxStatusView } from './client.js'
import { WALLET_WAIT_POLL_MS } from './constants.js'
import { EXIT, WalletError } from './errors.js'
import { describeStatus } from './read.js'

/** Consecutive "unknown" answers after which a transaction seen before counts as dropped. */
const UNKNOWN_TRIES = 3

export interface WaitOptions {
  confirmations?: number
  timeoutS: number
  /** Progress lines (pretty output only). */
  onProgress?: (line: string) => void
}

export async function followTx (client: NodeClient, id: string, o: WaitOptions): Promise<TxStatusView> {
  const deadline = Date.now() + o.timeoutS * 1000
  let last = ''
  let unknown = 0
  for (;;) {
    let s: TxStatusView | undefined
    try {
      s = await client.txStatus(id)
      unknown = 0
    } catch (e) {
      if (!(e instanceof WalletError) || e.code !== 'TX_NOT_FOUND') throw e
      if (++unknown >= UNKNOWN_TRIES) throw new WalletError('WALLET_TX_DROPPED', `transaction ${id} is no longer in the pool nor on the main chain (no reason known)`, EXIT.DROPPED, { id, reason: 'unknown' })
    }
    if (s !== undefined) {
      if (s.status === 'dropped') throw new WalletError('WALLET_TX_DROPPED', `transaction ${id} was ${describeStatus(s)}`, EXIT.DROPPED, { id, reason: s.reason, by: s.by })
      const line = describeStatus(s)
      if (line !== last) { o.onProgress?.(line); last = line }
      const done = s.status === 'mined' && (o.confirmations !== undefined ? s.confirmations >= o.confirmations : s.final)
      if (done) return s
    }
    if (Date.now() >= deadline) {
      const want = o.confirmations !== undefined ? `${o.confirmations} confirmations` : 'finality'
      throw new WalletError('WALLET_WAIT_TIMEOUT', `gave up after ${o.timeoutS} s waiting for ${want} of ${id}; last seen: ${last || 'nothing'}`, EXIT.WAIT_TIMEOUT, { id })
    }
    await new Promise(resolve => setTimeout(resolve, Math.min(WALLET_WAIT_POLL_MS, Math.max(1, deadline - Date.now()))))
  }
}
