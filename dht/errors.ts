// One error type for the DHT layer. The string `code` is the contract (callers, logs and tests
// key on it, never on the text).

export type DhtErrorCode =
  | 'DHT_NOT_STARTED'
  | 'DHT_ALREADY_STARTED'
  | 'DHT_LISTEN_FAILED'
  | 'DHT_QUEUE_FULL'
  | 'DHT_ABORTED'
  | 'DHT_TIMEOUT'
  | 'DHT_BAD_VALUE'
  | 'DHT_BAD_SALT'
  | 'DHT_BAD_SEQ'
  | 'DHT_BAD_ENDPOINT'
  | 'DHT_BAD_CHANNEL'
  | 'DHT_NO_KEY'
  | 'DHT_BAD_LINK'

export class DhtError extends Error {
  readonly code: DhtErrorCode
  readonly data?: Record<string, unknown>

  constructor (code: DhtErrorCode, message: string, data?: Record<string, unknown>) {
    super(`${code}: ${message}`)
    this.name = 'DhtError'
    this.code = code
    this.data = data
  }
}

export function isDhtError (e: unknown, code?: DhtErrorCode): e is DhtError {
  return e instanceof DhtError && (code === undefined || e.code === code)
}
