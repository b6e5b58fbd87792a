// The node layer's errors: configuration, start-up, key files, messaging, the wallet and the REST
// API. Like ChainError (chain/errors.ts) and DhtError (dht/errors.ts), one class with a closed code
// union; the node no longer borrows ChainError for its own failures. Callers that report any
// layer's failure (the CLI, the API, the wallet's exit codes) use isCodedError.
import { CHAIN_ERROR_CODES, ChainError, type ChainErrorCode } from '../chain/errors.js'
import { DhtError, type DhtErrorCode } from '../dht/errors.js'

export const NODE_ERROR_CODES = [
  // configuration (config.ts) and start-up (startErrors.ts, lock.ts, commands)
  'CONFIG_BAD_JSON', 'CONFIG_BAD_VALUE', 'CONFIG_CONFLICT', 'CONFIG_UNKNOWN_KEY', 'CONFIG_LINK_NOT_TESTNET', 'START_API_PORT_IN_USE',
  'START_DHT_PORT_IN_USE', 'START_API_HOST_UNAVAILABLE', 'START_DHT_HOST_UNAVAILABLE',
  'START_API_PORT_DENIED', 'START_DHT_PORT_DENIED', 'NODE_LOCKED', 'STORE_NOT_FOUND',
  'BOOTSTRAP_UNRESOLVED', 'DHT_HOST_AUTO',
  // operations (node/ops/: genesis new, backup, restore)
  'GENESIS_BAD_FLAG', 'GENESIS_FILE_EXISTS', 'BACKUP_CORRUPT', 'BACKUP_FILE_EXISTS', 'BACKUP_FAILED', 'BACKUP_UNREADABLE',
  'BACKUP_FOREIGN', 'BACKUP_SCHEMA', 'RESTORE_TARGET_EXISTS',
  // key files and passphrases (keyFile.ts, key.ts, passphrase.ts, keygen)
  'KEYFILE_BAD_FORMAT', 'KEYFILE_BAD_PASSPHRASE', 'KEYFILE_EXISTS', 'KEYFILE_LOCKED',
  'KEYFILE_NO_PASSPHRASE', 'KEYFILE_PASSPHRASE_MISMATCH', 'KEYFILE_WEAK_PASSPHRASE',
  // messaging (node/messaging/, pipelines/messages.ts)
  'MSG_BAD_BODY', 'MSG_BAD_ENCODING', 'MSG_BAD_FRIEND', 'MSG_BAD_ID', 'MSG_BAD_RECEIVER',
  'MSG_BAD_SIGNATURE', 'MSG_BAD_TIME', 'MSG_BAD_TYPE', 'MSG_BAD_VERSION', 'MSG_BROKEN_CHAIN',
  'MSG_FROM_FUTURE', 'MSG_NODE_STOPPING', 'MSG_NOT_FOUND', 'MSG_TOO_LARGE', 'MSG_TOO_MANY_FRIENDS',
  'MSG_WRONG_CHAIN', 'MSG_WRONG_SENDER',
  // transactions as the node sees them (pool pipeline, lookups)
  'TX_ALREADY_MINED', 'TX_NOT_FOUND',
  // the wallet (node/wallet/)
  'WALLET_BAD_ANSWER', 'WALLET_BAD_ARGUMENT', 'WALLET_BAD_TX', 'WALLET_NODE_UNREACHABLE',
  'WALLET_TX_DROPPED', 'WALLET_WAIT_TIMEOUT', 'WALLET_FEE_NOT_HIGHER', 'WALLET_FEE_TOO_LOW',
  'WALLET_INSUFFICIENT_BALANCE', 'WALLET_NONCE_GAP', 'WALLET_NONCE_USED', 'WALLET_NOT_OWN',
  'WALLET_NOT_PENDING', 'WALLET_POOL_SENDER_FULL',
  // the REST API (node/api/): requests, routes, public mode
  'BAD_REQUEST', 'BAD_URL', 'BAD_PATH', 'URL_TOO_LONG', 'HEADERS_TOO_LARGE', 'REQUEST_TIMEOUT',
  'BODY_TOO_LARGE', 'BAD_JSON', 'BAD_BODY', 'BAD_PARAM', 'BAD_ENDPOINT', 'BAD_TX', 'BAD_MESSAGE',
  'BAD_CHECKPOINT', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'BLOCK_NOT_FOUND', 'LOOPBACK_ONLY',
  'ADMIN_LOOPBACK_ONLY', 'ADMIN_TOKEN_REQUIRED', 'BUSY', 'TIMEOUT', 'RATE_LIMITED', 'TOO_MANY_CONCURRENT',
  'TOO_MANY_STREAMS', 'TOO_MANY_STREAMS_PER_CLIENT', 'STORE_INCONSISTENT', 'INTERNAL'
] as const

export type NodeErrorCode = typeof NODE_ERROR_CODES[number]

/** The codes an API answer may carry: the chain's and the node's (DHT failures never reach a route). */
export type ApiErrorCode = ChainErrorCode | NodeErrorCode

/** A code the wallet relays from a node's answer: one the API sends, or HTTP_<status> when the answer had none it knows. */
export type RelayedCode = ApiErrorCode | `HTTP_${number}`

/** C is NodeErrorCode except for the wallet's errors, which also relay a node's answer (RelayedCode). */
export class NodeError<C extends NodeErrorCode | RelayedCode = NodeErrorCode> extends Error {
  readonly code: C
  readonly data?: Record<string, unknown>

  constructor (code: C, message: string, data?: Record<string, unknown>) {
    super(`${code}: ${message}`)
    this.name = 'NodeError'
    this.code = code
    this.data = data
  }
}

export function isNodeError (e: unknown, code?: NodeErrorCode): e is NodeError<NodeErrorCode | RelayedCode> {
  return e instanceof NodeError && (code === undefined || e.code === code)
}

/** A chain or node failure: what the CLI, the wallet and the message walk report by code (a DhtError is not one). */
export function isChainOrNodeError (e: unknown): e is ChainError | NodeError<NodeErrorCode | RelayedCode> {
  return e instanceof ChainError || e instanceof NodeError
}

/** A code of any layer. */
export type ErrorCode = ChainErrorCode | DhtErrorCode | NodeErrorCode | RelayedCode

/** An error of any layer: it has a code from that layer's union. */
export type CodedError = ChainError | DhtError | NodeError<NodeErrorCode | RelayedCode>

export function isCodedError (e: unknown, code?: ErrorCode): e is CodedError {
  return (e instanceof ChainError || e instanceof NodeError || e instanceof DhtError) && (code === undefined || e.code === code)
}

const API_CODES: ReadonlySet<string> = new Set<string>([...CHAIN_ERROR_CODES, ...NODE_ERROR_CODES])

/** Whether text (a code in a node's JSON answer) is a code this version knows. */
export function isApiErrorCode (s: string): s is ApiErrorCode {
  return API_CODES.has(s)
}
