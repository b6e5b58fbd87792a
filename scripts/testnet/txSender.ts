// Signed transfers between the testnet's node accounts, sent through the REST API (POST /tx), and the
// later check of where each one ended up (GET /tx/<id> on every running node).
// Nonces are kept per sender and each sender's sends are serialised. A sender keeps at most
// MAX_PENDING_PER_SENDER unmined transfers (the pool's window is 16 nonces, and a rollback must fit),
// and heals its own nonce gaps: after a rejection that says the nonce is behind, after the node that
// held its pending transfers was SIGKILLed (pools live in memory), or when the transfer it waits on is
// gone from the pool, it continues from the account nonce.
import { createTransfer, encodeTx, txId } from '../../chain/tx.js'
import { toHex } from '../../chain/hex.js'
import { ApiError, type TxStatus, minedBlockOf } from './api.js'
import { MAX_PENDING_PER_SENDER, TESTNET_MIN_FEE, TX_QUERY_CONCURRENCY } from './constants.js'
import type { Account, Testnet, TestnetNode } from './network.js'

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

export interface TxRejection { from: number, via: number, atMs: number, tag: string, code: string, error: string }

/**
 * mined: in the same block on every running node · partly-mined: on some nodes, not yet on others ·
 * pool: in some node's pool only · replaced: unknown, but the sender's nonce moved past it (another
 * transfer of ours with that nonce was mined) · dropped: unknown, and the only node that held it was
 * SIGKILLed before it spread · lost: unknown with none of those explanations · conflict: different blocks.
 */
export type TxFate = 'mined' | 'partly-mined' | 'pool' | 'replaced' | 'dropped' | 'lost' | 'conflict'

export interface TxCheck {
  mined: number
  partlyMined: number
  pool: number
  replaced: number
  dropped: number
  lost: number
  conflict: number
  fates: Map<string, TxFate>
}

/**
 * Rejections after which the sender starts again from the account nonce (it is ahead of the node).
 * "Too low" needs nothing: every send reads the account nonce and never goes below it.
 */
const RESYNC_CODES = new Set(['POOL_NONCE_TOO_HIGH', 'TX_BAD_NONCE'])
/** Rejections meaning that nonce is already taken in the pool by one of ours: move past it. */
const TAKEN_CODES = new Set(['POOL_DUPLICATE', 'POOL_REPLACEMENT_FEE_TOO_LOW'])

export class TxSender {
  readonly sent: SentTx[] = []
  readonly rejected: TxRejection[] = []
  /** Sends skipped because the sender already had MAX_PENDING_PER_SENDER unmined transfers, by tag. */
  readonly throttled = new Map<string, number>()
  private readonly nextNonce = new Map<number, number>()
  private readonly idByNonce = new Map<string, string>()
  private readonly lastSend = new Map<number, { via: number, atMs: number }>()
  private readonly queue = new Map<number, Promise<unknown>>()
  private counter = 0

  constructor (private readonly net: Testnet) {}

  /** The node a sender's transfer goes through: its home node when it is up, else the first one running. */
  private viaFor (from: number): TestnetNode | undefined {
    const home = this.net.nodes[this.account(from).home]
    if (home?.proc?.running === true) return home
    return this.net.running[0]
  }

  private account (index: number): Account {
    const a = this.net.accounts[index]
    if (a === undefined) throw new RangeError(`no funded account ${index}`)
    return a
  }

  /**
   * Sends one transfer from funded account `from` to account `to` (indices into net.accounts; node
   * accounts share their node's index). Resolves with it, or undefined when rejected or throttled.
   */
  send (from: number, to: number, tag: string, viaIndex?: number): Promise<SentTx | undefined> {
    const prev = this.queue.get(from) ?? Promise.resolve()
    const next = prev.catch(() => undefined).then(async () => await this.sendNow(from, to, tag, viaIndex))
    this.queue.set(from, next)
    return next
  }

  private killedSince (index: number, sinceMs: number): boolean {
    return this.net.kills.some(k => k.index === index && k.atMs >= sinceMs)
  }

  private async sendNow (from: number, to: number, tag: string, viaIndex?: number): Promise<SentTx | undefined> {
    const atMs = Date.now()
    const via = viaIndex === undefined ? this.viaFor(from) : this.net.nodes[viaIndex]
    if (via === undefined) { this.rejected.push({ from, via: -1, atMs, tag, code: 'NO_NODE', error: 'no running node' }); return undefined }
    const sender = this.account(from)
    const last = this.lastSend.get(from)
    // The node holding our pending transfers died with its pool: fill the gap from the account nonce.
    if (last !== undefined && this.killedSince(last.via, last.atMs)) this.nextNonce.delete(from)
    let nonce: number | undefined
    try {
      const mined = (await via.api.account(sender.pubkey))?.nonce ?? 0
      nonce = this.nextNonce.get(from)
      if (nonce === undefined || nonce <= mined) nonce = mined + 1
      if (nonce - 1 - mined >= MAX_PENDING_PER_SENDER) {
        // Busy, or stalled behind a transfer some pool dropped: refill the gap when the next one is gone.
        const gapId = this.idByNonce.get(`${from}:${mined + 1}`)
        const known = gapId !== undefined && await via.api.tx(gapId) !== undefined
        if (known) {
          this.throttled.set(tag, (this.throttled.get(tag) ?? 0) + 1)
          return undefined
        }
        nonce = mined + 1
      }
      this.counter++
      const tx = createTransfer(sender.key.secretKey, sender.key.publicKey, {
        chainId: this.net.genesis.chainId,
        to: this.account(to).key.publicKey,
        amount: 1 + (this.counter % 100),
        fee: TESTNET_MIN_FEE + (this.counter % 3),
        nonce,
        timestamp: Math.floor(Date.now() / 1000)
      })
      const id = toHex(txId(tx))
      const answered = await via.api.submitTx(toHex(encodeTx(tx)))
      if (answered !== id) throw new Error(`node answered tx id ${answered}, expected ${id}`)
      this.nextNonce.set(from, nonce + 1)
      this.idByNonce.set(`${from}:${nonce}`, id)
      this.lastSend.set(from, { via: via.index, atMs })
      const s: SentTx = { id, from, to, via: via.index, nonce, atMs, tag }
      this.sent.push(s)
      return s
    } catch (e) {
      const code = e instanceof ApiError ? e.code ?? `HTTP_${e.status}` : 'NETWORK'
      if (RESYNC_CODES.has(code)) this.nextNonce.delete(from)
      else if (TAKEN_CODES.has(code) && nonce !== undefined) this.nextNonce.set(from, nonce + 1)
      // Otherwise (timeouts, a node going down, a full pool) the nonce was not used: try it again next time.
      this.rejected.push({ from, via: via.index, atMs, tag, code, error: (e as Error).message })
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
    const out: TxCheck = { mined: 0, partlyMined: 0, pool: 0, replaced: 0, dropped: 0, lost: 0, conflict: 0, fates: new Map() }
    const byId = new Map(this.sent.map(s => [s.id, s]))
    const accountNonce = new Map<number, number | undefined>()
    const nonceOf = async (from: number): Promise<number | undefined> => {
      if (!accountNonce.has(from)) {
        const n = nodes[0] === undefined ? undefined : await nodes[0].api.account(this.account(from).pubkey).then(a => a?.nonce, () => undefined)
        accountNonce.set(from, n)
      }
      return accountNonce.get(from)
    }
    let next = 0
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++
        if (i >= ids.length) return
        const answers = await Promise.all(nodes.map(async n => { try { return await n.api.tx(ids[i]) } catch { return undefined } }))
        let fate: TxFate = txFate(answers)
        const s = byId.get(ids[i])
        if (fate === 'lost' && s !== undefined) fate = explainUnknown(s, await nonceOf(s.from), this.killedSince(s.via, s.atMs))
        out.fates.set(ids[i], fate)
        if (fate === 'mined') out.mined++
        else if (fate === 'partly-mined') out.partlyMined++
        else if (fate === 'pool') out.pool++
        else if (fate === 'replaced') out.replaced++
        else if (fate === 'dropped') out.dropped++
        else if (fate === 'lost') out.lost++
        else out.conflict++
      }
    }
    await Promise.all(Array.from({ length: TX_QUERY_CONCURRENCY }, worker))
    return out
  }

  /** How many rejections of each code (for the summary). */
  rejectionCodes (tag?: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const r of this.rejected) if (tag === undefined || r.tag === tag) out[r.code] = (out[r.code] ?? 0) + 1
    return out
  }
}

/** Why no node knows a transfer we sent: its nonce was used by another one, its node died, or lost. */
export function explainUnknown (s: SentTx, accountNonce: number | undefined, viaKilledAfterSend: boolean): 'replaced' | 'dropped' | 'lost' {
  if (accountNonce !== undefined && accountNonce >= s.nonce) return 'replaced'
  return viaKilledAfterSend ? 'dropped' : 'lost'
}

/** Classifies one transaction from every node's answer (undefined: the node does not know it). */
export function txFate (answers: ReadonlyArray<TxStatus | undefined>): 'mined' | 'partly-mined' | 'pool' | 'lost' | 'conflict' {
  const blocks = answers.map(minedBlockOf)
  const mined = blocks.filter((b): b is string => b !== null)
  if (new Set(mined.filter(b => b !== '')).size > 1) return 'conflict'
  if (mined.length > 0) return mined.length === answers.length ? 'mined' : 'partly-mined'
  return answers.some(a => a?.status === 'pool') ? 'pool' : 'lost'
}
