// The wallet's view of a running node: its REST API, read routes plus POST /tx (signed bytes
// only; no secret ever goes over the API). Every call has a timeout; a node that cannot be reached
// is WALLET_NODE_UNREACHABLE, and a coded API refusal keeps the node's code.
import { WALLET_HTTP_TIMEOUT_MS } from './constants.js'
import { EXIT, WalletError, exitCodeOfCode } from './errors.js'
import { type RelayedCode, isApiErrorCode } from '../errors.js'

export interface AccountView { key: string, balance: string, nonce: number, power: number, effectivePower: string, nextNonce: number, pooledTxs: number }
export interface TxView { id: string, kind: string, from: string, to?: string, amount?: string, fee: string, nonce: number, timestamp: number, memo: string, block?: { id: string, height: number } }
export interface TxStatusView {
  id: string
  status: 'pool' | 'mined' | 'dropped'
  height: number | null
  blockId: string | null
  confirmations: number
  final: boolean
  tipHeight: number
  consensusPointHeight: number
  reason: string | null
  by: string | null
}
export interface FeeView { fee: string, minFee: string, nextBlockTxs: number, maxBlockTxs: number, lowestIncludedFee: string | null, poolSize: number }
export interface StatusView { chainId: string, height: number, consensusPoint: { id: string, height: number } | null }
export interface PoolView { size: number, limits: { maxTxs: number, maxPerSender: number, nonceWindow: number, maxAgeS: number } }
export interface HistoryView { key: string, txs: TxView[], next: number | null }

export class NodeClient {
  constructor (readonly base: string, private readonly timeoutMs = WALLET_HTTP_TIMEOUT_MS) {}

  private async call<T> (method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response
    try {
      res = await fetch(new URL(path, this.base), {
        method,
        headers: body !== undefined ? { 'content-type': 'application/json' } : {},
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message
      throw new WalletError('WALLET_NODE_UNREACHABLE', `cannot reach the node at ${this.base} (${cause}); is it running? (--api URL)`, EXIT.NODE_UNREACHABLE)
    }
    const text = await res.text()
    let json: unknown
    try { json = JSON.parse(text) } catch { json = undefined }
    if (!res.ok) {
      const o = json as { code?: unknown, message?: unknown } | undefined
      const code: RelayedCode = typeof o?.code === 'string' && isApiErrorCode(o.code) ? o.code : `HTTP_${res.status}`
      const msg = typeof o?.message === 'string' ? o.message.replace(/^[A-Z_]+: /, '') : text.slice(0, 200)
      throw new WalletError(code, msg, exitCodeOfCode(code))
    }
    if (json === undefined) throw new WalletError('WALLET_BAD_ANSWER', `${method} ${path}: the node's answer is not JSON`, EXIT.OTHER)
    return json as T
  }

  status (): Promise<StatusView> { return this.call('GET', '/status') }
  account (key: string): Promise<AccountView> { return this.call('GET', `/account/${key}`) }
  pool (): Promise<PoolView> { return this.call('GET', '/pool') }
  poolTxs (sender: string): Promise<{ txs: TxView[] }> { return this.call('GET', `/pool/txs?sender=${sender}&limit=1000`) }
  fees (): Promise<FeeView> { return this.call('GET', '/fees/estimate') }
  tx (id: string): Promise<{ status: string, tx: TxView }> { return this.call('GET', `/tx/${id}`) }
  txStatus (id: string): Promise<TxStatusView> { return this.call('GET', `/tx/${id}/status`) }
  history (key: string, before: number | undefined, limit: number): Promise<HistoryView> {
    const q = new URLSearchParams({ limit: String(limit) })
    if (before !== undefined) q.set('before', String(before))
    return this.call('GET', `/account/${key}/txs?${q.toString()}`)
  }

  async submit (hex: string): Promise<string> {
    return (await this.call<{ id: string }>('POST', '/tx', { tx: hex })).id
  }
}
