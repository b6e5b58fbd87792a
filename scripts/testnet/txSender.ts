// Signed transfers between the testnet's node accounts, sent through the REST API (POST /tx), and the
// later check of where each one ended up (GET /tx/<id> on every running node).
// Nonces are kept per sender and each sender's sends are serialised, so a failed send never leaves a gap.
import { createTransfer, encodeTx, txId } from '../../chain/tx.js'
import { toHex } from '../../chain/hex.js'
import { TESTNET_MIN_FEE, TX_QUERY_CONCURRENCY } from './constants.js'
import type { Testnet, TestnetNode } from './network.js'
import type { TxStatus } from './api.js'

export interface SentTx {
  id: string
  from: number
  to: number
  via: number
  nonce: number
  atMs: number
  /** Who asked for it: a scenario name, so results can be split. */
  tag: string
}

export interface TxRejection { from: number, via: number, atMs: number, tag: string, error: string }

export type TxFate = 'mined' | 'partly-mined' | 'pool' | 'lost' | 'conflict'

export interface TxCheck {
  /** Mined in the same block on every running node. */
  mined: number
  /** Mined on some nodes, pool or unknown on others (the network is still moving). */
  partlyMined: number
  /** Not mined anywhere but in some node's pool. */
  pool: number
  /** No running node knows it. */
  lost: number
  /** Nodes name different blocks for it. */
  conflict: number
  fates: Map<string, TxFate>
}

export class TxSender {
  readonly sent: SentTx[] = []
  readonly rejected: TxRejection[] = []
  private readonly nextNonce = new Map<number, number>()
  private readonly queue = new Map<number, Promise<unknown>>()
  private counter = 0

  constructor (private readonly net: Testnet) {}

  /** The node a sender's transfer goes through: its own node when it is up, else the first one running. */
  private viaFor (from: number): TestnetNode | undefined {
    const own = this.net.nodes[from]
    if (own?.proc?.running === true) return own
    return this.net.running[0]
  }

  /** Sends one transfer from account `from` to account `to`; resolves with it, or undefined when rejected. */
  send (from: number, to: number, tag: string, viaIndex?: number): Promise<SentTx | undefined> {
    const prev = this.queue.get(from) ?? Promise.resolve()
    const next = prev.catch(() => undefined).then(async () => await this.sendNow(from, to, tag, viaIndex))
    this.queue.set(from, next)
    return next
  }

  private async sendNow (from: number, to: number, tag: string, viaIndex?: number): Promise<SentTx | undefined> {
    const atMs = Date.now()
    const via = viaIndex === undefined ? this.viaFor(from) : this.net.nodes[viaIndex]
    if (via === undefined) { this.rejected.push({ from, via: -1, atMs, tag, error: 'no running node' }); return undefined }
    const sender = this.net.nodeAt(from)
    try {
      let nonce = this.nextNonce.get(from)
      if (nonce === undefined) {
        const acc = await via.api.account(sender.pubkey)
        nonce = (acc?.nonce ?? 0) + 1
      }
      this.counter++
      const tx = createTransfer(sender.key.secretKey, sender.key.publicKey, {
        chainId: this.net.genesis.chainId,
        to: this.net.nodeAt(to).key.publicKey,
        amount: 1 + (this.counter % 100),
        fee: TESTNET_MIN_FEE + (this.counter % 3),
        nonce,
        timestamp: Math.floor(Date.now() / 1000)
      })
      const id = toHex(txId(tx))
      const answered = await via.api.submitTx(toHex(encodeTx(tx)))
      if (answered !== id) throw new Error(`node answered tx id ${answered}, expected ${id}`)
      this.nextNonce.set(from, nonce + 1)
      const s: SentTx = { id, from, to, via: via.index, nonce, atMs, tag }
      this.sent.push(s)
      return s
    } catch (e) {
      // The nonce was not used; re-read it next time in case the node's view moved (restart, reorg).
      this.nextNonce.delete(from)
      this.rejected.push({ from, via: via.index, atMs, tag, error: (e as Error).message })
      return undefined
    }
  }

  /** Waits for every queued send to finish. */
  async drain (): Promise<void> {
    await Promise.allSettled([...this.queue.values()])
  }

  /** Where each transaction is now, asked of every running node (bounded concurrency). */
  async check (ids: string[]): Promise<TxCheck> {
    const nodes = this.net.running
    const out: TxCheck = { mined: 0, partlyMined: 0, pool: 0, lost: 0, conflict: 0, fates: new Map() }
    let next = 0
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++
        if (i >= ids.length) return
        const answers = await Promise.all(nodes.map(async n => { try { return await n.api.tx(ids[i]) } catch { return undefined } }))
        const fate = txFate(answers)
        out.fates.set(ids[i], fate)
        if (fate === 'mined') out.mined++
        else if (fate === 'partly-mined') out.partlyMined++
        else if (fate === 'pool') out.pool++
        else if (fate === 'lost') out.lost++
        else out.conflict++
      }
    }
    await Promise.all(Array.from({ length: TX_QUERY_CONCURRENCY }, worker))
    return out
  }
}

/** Classifies one transaction from every node's answer (undefined: the node does not know it). */
export function txFate (answers: ReadonlyArray<TxStatus | undefined>): TxFate {
  const mined = answers.filter(a => a?.status === 'mined')
  const blocks = new Set(mined.map(a => a?.blockId))
  if (blocks.size > 1) return 'conflict'
  if (mined.length > 0) return mined.length === answers.length ? 'mined' : 'partly-mined'
  return answers.some(a => a?.status === 'pool') ? 'pool' : 'lost'
}
