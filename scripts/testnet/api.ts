// REST client for one node (the contract in docs/testnet.md): status, health, transactions, accounts
// and the admin DHT block list. Every call has a timeout; nothing here retries.
import { LOOPBACK, STATUS_TIMEOUT_MS } from './constants.js'

export interface NodeStatus {
  chainId: string
  genesisId: string
  height: number
  tipId: string
  cumulativeDifficulty: string
  consensusPoint: { id: string, height: number } | null
  syncing: boolean
  /** Not in the contract; when a node reports it, false means still starting (e.g. its first voting round). */
  ready?: boolean
  mining: { enabled: boolean, nextEligibleTime: number | null }
  peers: number
  poolSize: number
  minedBlocks: number
  reorgs: number
  warnings: string[]
  version: string
  publicKey: string
  dht: { host: string, port: number }
  /** Not in the contract: bound and public DHT endpoints and how the public one was learnt. */
  endpoints?: { bound: string | null, public: string | null, source: string }
  /** Not in the contract: direct gets to peers' published endpoints, tried and answered. */
  directGets?: { attempts: number, answered: number }
  /** Not in the contract: an emulated link (testnet only), null on a real one. */
  link?: { emulated: true, latencyMs: number, jitterMs: number, lossPct: number, far?: { latencyMs: number, jitterMs: number, lossPct: number, peers: number } | null } | null
}

/**
 * GET /tx/<id>. The contract names `blockId` and `height`; the node also answers `block: {id, height}`,
 * and `block: null` for a transaction it stores that is not on its main chain (an orphaned block's).
 */
export interface TxStatus { id: string, status: 'pool' | 'mined', blockId?: string, height?: number, block?: { id: string, height: number } | null }

/** The main-chain block of a mined transaction, '' when the node does not say, null when not on the main chain. */
export function minedBlockOf (t: TxStatus | undefined): string | null {
  if (t?.status !== 'mined') return null
  if (t.block === null) return null
  return t.blockId ?? t.block?.id ?? ''
}
export interface AccountView { balance: string, nonce: number, power: number }

/** Direct answers / direct attempts, rounded to 0.01; null before the first attempt. */
export function directRate (s: NodeStatus | undefined): number | null {
  const d = s?.directGets
  if (d === undefined || d.attempts === 0) return null
  return Math.round(d.answered / d.attempts * 100) / 100
}

export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string | undefined, message: string) { super(message) }
}

/** Checks the fields the tool relies on, so a node that breaks the contract fails loudly, not subtly. */
export function parseStatus (v: unknown): NodeStatus {
  const o = v as Partial<NodeStatus> | null
  if (typeof o !== 'object' || o === null) throw new Error('status is not a JSON object')
  if (typeof o.height !== 'number' || !Number.isSafeInteger(o.height)) throw new Error('status.height is not an integer')
  if (typeof o.tipId !== 'string' || !/^[0-9a-f]{64}$/.test(o.tipId)) throw new Error('status.tipId is not 64 hex chars')
  if (typeof o.peers !== 'number') throw new Error('status.peers is not a number')
  if (typeof o.syncing !== 'boolean') throw new Error('status.syncing is not a boolean')
  return o as NodeStatus
}

export class NodeApi {
  readonly base: string

  constructor (readonly port: number, readonly host = LOOPBACK, private readonly timeoutMs = STATUS_TIMEOUT_MS) {
    this.base = `http://${host}:${port}`
  }

  private async request (method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, json: unknown }> {
    const res = await fetch(this.base + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs)
    })
    const text = await res.text()
    let json: unknown
    try { json = text.length > 0 ? JSON.parse(text) : undefined } catch { json = undefined }
    return { status: res.status, json }
  }

  private static fail (path: string, r: { status: number, json: unknown }): never {
    const o = (r.json ?? {}) as { code?: unknown, message?: unknown }
    const code = typeof o.code === 'string' ? o.code : undefined
    const msg = typeof o.message === 'string' ? o.message : ''
    throw new ApiError(r.status, code, `${path}: HTTP ${r.status}${code !== undefined ? ` ${code}` : ''}${msg ? ` ${msg}` : ''}`)
  }

  async status (): Promise<NodeStatus> {
    const r = await this.request('GET', '/status')
    if (r.status !== 200) NodeApi.fail('/status', r)
    return parseStatus(r.json)
  }

  /** 200 synced, 206 syncing, 503 not ready. */
  async health (): Promise<number> {
    return (await this.request('GET', '/health')).status
  }

  async submitTx (txHex: string): Promise<string> {
    const r = await this.request('POST', '/tx', { tx: txHex })
    const id = (r.json as { id?: unknown } | undefined)?.id
    if (r.status !== 200 || typeof id !== 'string') NodeApi.fail('POST /tx', r)
    return id as string
  }

  /** The transaction's status, or undefined when the node does not know it (404). */
  async tx (id: string): Promise<TxStatus | undefined> {
    const r = await this.request('GET', `/tx/${id}`)
    if (r.status === 404) return undefined
    if (r.status !== 200) NodeApi.fail(`/tx/${id}`, r)
    return r.json as TxStatus
  }

  /** The account, or undefined when it does not exist (404). */
  async account (pubkeyHex: string): Promise<AccountView | undefined> {
    const r = await this.request('GET', `/account/${pubkeyHex}`)
    if (r.status === 404) return undefined
    if (r.status !== 200) NodeApi.fail(`/account/${pubkeyHex}`, r)
    return r.json as AccountView
  }

  /** Makes the node's DHT drop all UDP traffic to and from these endpoints; an empty list heals. */
  async blockEndpoints (token: string, endpoints: string[]): Promise<void> {
    const r = await this.request('POST', '/admin/dht/block', { endpoints }, { authorization: `Bearer ${token}` })
    if (r.status < 200 || r.status > 299) NodeApi.fail('POST /admin/dht/block', r)
  }
}
