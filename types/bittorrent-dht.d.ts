// Local declaration for bittorrent-dht 11 (it ships no types; @types/bittorrent-dht does not exist).
// Only what dht/ uses is declared, including the semi-private members (`_rpc`, `_values`,
// `_onquery`, `_generateToken`) that the engine wraps for hardening and direct queries; they have
// been stable across the 9.x–11.x releases. Wire values are decoded by bencode 2 (Buffers).
declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events'
  import type { Socket, RemoteInfo } from 'node:dgram'

  export interface Peer { host: string; port: number }
  export interface Contact extends Peer { id: Buffer; token?: Buffer | null; seen?: number }
  export type Verify = (sig: Uint8Array, msg: Uint8Array, k: Uint8Array) => boolean

  /** A decoded KRPC message as k-rpc-socket hands it over (fields unchecked: any type may arrive). */
  export interface KrpcMessage {
    t?: unknown
    y?: unknown
    q?: unknown
    a?: Record<string, unknown>
    r?: Record<string, unknown>
    e?: unknown
  }

  export interface PutOpts {
    v: unknown
    k?: Buffer
    seq?: number
    salt?: Buffer
    cas?: number
    sign?: (m: Uint8Array) => Buffer
    sig?: Buffer
  }

  export interface GetResult {
    v: unknown
    id?: Buffer
    k?: Buffer
    sig?: Buffer
    seq?: number
    salt?: Buffer
    token?: Buffer
  }

  export interface StoredValue { v: unknown; id?: Buffer; k?: Buffer; salt?: Buffer; sig?: Buffer; seq?: number }

  export interface DhtOptions {
    nodeId?: Uint8Array | string
    bootstrap?: false | Array<string | Peer>
    verify?: Verify | null
    hash?: (b: Uint8Array) => Buffer
    k?: number
    timeout?: number
    concurrency?: number
    maxValues?: number
    maxTables?: number
    maxPeers?: number
    maxAge?: number
    timeBucketOutdated?: number
    host?: string
    /** Handed on to k-rpc: the transport used in place of k-rpc-socket (dht/krpcSocket.ts). */
    krpcSocket?: EventEmitter
  }

  export interface KBucket {
    closest (id: Uint8Array, n?: number): Contact[]
    toArray (): Contact[]
    count (): number
    get (id: Uint8Array): Contact | null
    add (c: Contact): void
    remove (id: Uint8Array): void
  }

  export interface KrpcSocket extends EventEmitter {
    socket: Socket
    inflight: number
    query (peer: Peer, msg: { q: string; a: Record<string, unknown> }, cb: (err: (Error & { code?: unknown }) | null, res: KrpcMessage | null, from: RemoteInfo | Peer) => void): number
    cancel (tid: number, err?: Error): void
    response (peer: RemoteInfo | Peer, query: KrpcMessage, r: Record<string, unknown>, cb?: (err?: Error | null) => void): void
  }

  export interface Krpc extends EventEmitter {
    id: Buffer
    k: number
    nodes: KBucket
    socket: KrpcSocket
    query (peer: Peer, msg: { q: string; a: Record<string, unknown> }, cb: (err: (Error & { code?: unknown }) | null, res: KrpcMessage | null, from: RemoteInfo | Peer) => void): void
    response (peer: RemoteInfo | Peer, query: KrpcMessage, r: Record<string, unknown>, nodes?: Contact[] | null): void
    error (peer: RemoteInfo | Peer, query: KrpcMessage, e: [number, string]): void
    _addNode (node: Contact): void
  }

  export interface ValueLru extends EventEmitter {
    length: number
    max: number
    set (key: string, value: StoredValue): StoredValue
    get (key: string): StoredValue | undefined
    peek (key: string): StoredValue | undefined
    remove (key: string): StoredValue | undefined
    evict (): void
  }

  export default class DHT extends EventEmitter {
    constructor (opts?: DhtOptions)
    nodeId: Buffer
    listening: boolean
    ready?: boolean
    destroyed: boolean
    nodes: KBucket
    listen (port?: number, host?: string, cb?: () => void): void
    address (): { address: string; family: string; port: number }
    put (opts: PutOpts, cb?: (err: (Error & { code?: unknown }) | null, target: Buffer, n: number) => void): Buffer
    get (target: Uint8Array | string, opts: { salt?: Uint8Array; cache?: boolean; verify?: Verify } | null, cb: (err: Error | null, res: GetResult | null) => void): void
    addNode (node: Peer & { id?: Uint8Array }): void
    removeNode (id: Uint8Array | string): void
    destroy (cb?: () => void): void

    _rpc: Krpc
    _values: ValueLru
    /** Lookup tables of recent puts' targets (hex), each the closest nodes with their write tokens. */
    _tables: { get (hex: string): KBucket | undefined }
    /** The library's token-collecting walk towards `target`; its table lands in `_tables`. */
    _closest (target: Buffer, message: { q: string; a: Record<string, unknown> }, onmessage: null, cb: (err: Error | null, n: number) => void): void
    _onquery (query: KrpcMessage, peer: RemoteInfo): void
    _generateToken (host: string, secret?: Buffer): Buffer
  }
}
