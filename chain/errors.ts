// One error type for everything the chain rejects. The string `code` is the contract:
// tests, logs, the REST API and peer penalties all key on it, never on the message text.

export class ChainError extends Error {
  readonly code: string
  readonly data?: Record<string, unknown>

  constructor (code: string, message: string, data?: Record<string, unknown>) {
    super(`${code}: ${message}`)
    this.name = 'ChainError'
    this.code = code
    this.data = data
  }
}

/** Raised only by chain/codec.ts. Decoding hostile bytes throws nothing else. */
export class CodecError extends ChainError {
  constructor (code: string, message: string, data?: Record<string, unknown>) {
    super(code, message, data)
    this.name = 'CodecError'
  }
}

export function isChainError (e: unknown, code?: string): e is ChainError {
  return e instanceof ChainError && (code === undefined || e.code === code)
}
