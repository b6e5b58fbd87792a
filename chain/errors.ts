// One error type for everything the chain rejects. The `code` is the contract: tests, logs, the
// REST API and peer penalties all key on it, never on the message text. The codes are one closed
// union per layer (this file for chain/, dht/errors.ts, node/errors.ts), listed as arrays so a code
// received as text (an API answer) can be checked at run time.

/** Codes only chain/codec.ts raises (CodecError): hostile bytes throw nothing else. */
export const CODEC_ERROR_CODES = [
  'CODEC_BAD_ASCII', 'CODEC_BAD_KEY', 'CODEC_BAD_LENGTH', 'CODEC_BAD_TOKEN', 'CODEC_BIGINT',
  'CODEC_DUPLICATE_KEY', 'CODEC_INT_RANGE', 'CODEC_LIST_TOO_LONG', 'CODEC_MISSING_KEY',
  'CODEC_NON_CANONICAL', 'CODEC_NOT_BYTES', 'CODEC_NOT_INTEGER', 'CODEC_TOO_DEEP', 'CODEC_TOO_LARGE',
  'CODEC_TRAILING_BYTES', 'CODEC_TRUNCATED', 'CODEC_UNKNOWN_KEY', 'CODEC_WRONG_TYPE'
] as const

export type CodecErrorCode = typeof CODEC_ERROR_CODES[number]

export const CHAIN_ERROR_CODES = [
  ...CODEC_ERROR_CODES,
  // hex, big integers, signing
  'BAD_BIGINT', 'BAD_HEX', 'BAD_LENGTH', 'SIG_BAD_HASH',
  // block validation (PROTOCOL §5)
  'BLOCK_BAD_BASE_TARGET', 'BLOCK_BAD_CHECKPOINT', 'BLOCK_BAD_DIFFICULTY', 'BLOCK_BAD_GENERATION_SIGNATURE',
  'BLOCK_BAD_PARENT', 'BLOCK_BAD_PARENT_HEIGHT', 'BLOCK_BAD_SIGNATURE', 'BLOCK_BAD_VERSION',
  'BLOCK_CONTEXT_BAD_ANCESTOR', 'BLOCK_DUPLICATE_TX', 'BLOCK_FROM_FUTURE', 'BLOCK_INVALID_ANCESTOR',
  'BLOCK_NOT_ELIGIBLE', 'BLOCK_TOO_MANY_TXS', 'BLOCK_TOO_SOON', 'BLOCK_TX_MISMATCH', 'BLOCK_WRONG_CHAIN',
  // transaction validation (§4)
  'TX_BAD_KIND', 'TX_BAD_NONCE', 'TX_BAD_SIGNATURE', 'TX_BAD_VERSION', 'TX_FEE_TOO_LOW', 'TX_FROM_FUTURE',
  'TX_INSUFFICIENT_BALANCE', 'TX_OVERFLOW', 'TX_WRONG_CHAIN',
  // the transaction pool
  'POOL_DUPLICATE', 'POOL_FULL', 'POOL_INSUFFICIENT_BALANCE', 'POOL_NONCE_TOO_HIGH', 'POOL_NONCE_TOO_LOW',
  'POOL_REPLACEMENT_FEE_TOO_LOW', 'POOL_SENDER_LIMIT', 'POOL_TX_TOO_OLD',
  // the import queue and branches
  'CHAIN_BAD_ID', 'CHAIN_BRANCH_NOT_LINKED', 'CHAIN_BRANCH_TOO_LONG', 'CHAIN_CLOSED', 'CHAIN_EMPTY_BRANCH',
  'CHAIN_MISSING_TXS', 'CHAIN_QUEUE_FULL',
  // the LevelDB store
  'STORE_BAD_ID', 'STORE_BAD_STAGED_KIND', 'STORE_CORRUPT', 'STORE_LOCKED', 'STORE_OPEN_FAILED',
  'STORE_REPAIR_FAILED', 'STORE_SCHEMA_MISMATCH', 'STORE_STAGED_FULL', 'STORE_STAGED_TOO_LARGE',
  'STORE_WRONG_GENESIS',
  // voting (§8)
  'VOTE_BAD_SIGNATURE', 'VOTE_CHECKPOINT_MISMATCH', 'VOTE_CHECKPOINT_UNKNOWN', 'VOTE_DUPLICATE',
  'VOTE_NOT_SAMPLED', 'VOTE_ROUND_CLOSED', 'VOTE_TIP_MISMATCH', 'VOTE_WRONG_CHAIN',
  // genesis file
  'GENESIS_BAD_FIELD', 'GENESIS_BAD_FORMAT', 'GENESIS_BAD_JSON', 'GENESIS_MISSING_FIELD',
  'GENESIS_UNKNOWN_FIELD', 'GENESIS_UNREADABLE',
  // JSON files read for node/ (jsonFile.ts)
  'CONFIG_BAD_JSON', 'CONFIG_UNREADABLE',
  // key files
  'KEYFILE_BAD_FORMAT', 'KEYFILE_BAD_JSON', 'KEYFILE_BAD_PASSPHRASE', 'KEYFILE_EXISTS',
  'KEYFILE_KEY_MISMATCH', 'KEYFILE_UNREADABLE', 'KEYFILE_WRITE_FAILED',
  // key derivation
  'KEY_BAD_SECRET', 'KEY_GENERATION_FAILED',
  // message crypto
  'MSG_BAD_KEY', 'MSG_DECRYPT_FAILED'
] as const

export type ChainErrorCode = typeof CHAIN_ERROR_CODES[number]

export class ChainError extends Error {
  readonly code: ChainErrorCode
  readonly data?: Record<string, unknown>

  constructor (code: ChainErrorCode, message: string, data?: Record<string, unknown>) {
    super(`${code}: ${message}`)
    this.name = 'ChainError'
    this.code = code
    this.data = data
  }
}

/** Raised only by chain/codec.ts. Decoding hostile bytes throws nothing else. */
export class CodecError extends ChainError {
  constructor (code: CodecErrorCode, message: string, data?: Record<string, unknown>) {
    super(code, message, data)
    this.name = 'CodecError'
  }
}

export function isChainError (e: unknown, code?: ChainErrorCode): e is ChainError {
  return e instanceof ChainError && (code === undefined || e.code === code)
}
