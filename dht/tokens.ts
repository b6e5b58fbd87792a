// BEP44 write tokens other nodes gave us, one per endpoint (from their last reply to any of our
// queries): a push to a peer reuses it instead of asking with a `get` first. Bounded in count
// (oldest dropped) and in age (the library rotates its token secret every 5 minutes).
import { Lru } from '../chain/lru.js'
import * as C from './constants.js'

export class WriteTokens {
  private readonly tokens = new Lru<string, { token: Buffer, atMs: number }>(C.MAX_KEPT_TOKENS)

  /** The endpoint's token if it is young enough to be accepted, else undefined. */
  fresh (endpoint: string): Buffer | undefined {
    const t = this.tokens.peek(endpoint)
    if (t === undefined) return undefined
    if (performance.now() - t.atMs > C.TOKEN_MAX_AGE_MS) { this.tokens.delete(endpoint); return undefined }
    return t.token
  }

  keep (endpoint: string, token: Buffer): void {
    this.tokens.set(endpoint, { token, atMs: performance.now() })
  }

  /** The endpoint refused it: ask for a new one next time. */
  forget (endpoint: string): void {
    this.tokens.delete(endpoint)
  }
}
