// Wallet failures: coded errors with a documented exit code each (docs/wallet.md), so scripts can
// tell "the node is down" from "you cannot afford this" without reading the text.
import { type CodedError, NodeError, type NodeErrorCode, type RelayedCode, isCodedError } from '../errors.js'

/** Exit codes of `tau-node wallet` (0 is success, 2 a usage error). */
export const EXIT = {
  OK: 0,
  /** Anything not listed below. */
  OTHER: 1,
  USAGE: 2,
  NODE_UNREACHABLE: 3,
  /** Bad key file, wrong or missing passphrase. */
  KEY: 4,
  /** Refused by the wallet before anything was submitted: balance, fee, nonce gap, sender's pool share. */
  REFUSED_LOCALLY: 5,
  /** Refused by the node (POOL_* / TX_* codes). */
  REFUSED_BY_NODE: 6,
  UNKNOWN_TX: 7,
  /** `--wait`: the transaction left the pool unmined (replaced, evicted, nonce used, expired, …). */
  DROPPED: 8,
  /** `--wait`: the deadline passed before the wanted depth. */
  WAIT_TIMEOUT: 9
} as const

/** The wallet's own codes (NodeErrorCode's WALLET_*) or a code relayed from the node's answer. */
export class WalletError extends NodeError<NodeErrorCode | RelayedCode> {
  constructor (code: NodeErrorCode | RelayedCode, message: string, readonly exitCode: number, data?: Record<string, unknown>) {
    super(code, message, data)
    this.name = 'WalletError'
  }
}

/** The exit code of any error the wallet may meet. */
export function exitCodeOf (e: unknown): number {
  if (e instanceof WalletError) return e.exitCode
  return isCodedError(e) ? exitCodeOfCode(e.code) : EXIT.OTHER
}

/** The exit code for a failure's code, of any layer (also a code relayed from the node's answer). */
export function exitCodeOfCode (code: CodedError['code']): number {
  if (code.startsWith('KEYFILE_') || code.startsWith('KEY_')) return EXIT.KEY
  if (code === 'TX_NOT_FOUND') return EXIT.UNKNOWN_TX
  if (code.startsWith('POOL_') || code.startsWith('TX_')) return EXIT.REFUSED_BY_NODE
  if (code.startsWith('WALLET_BAD_') || code.startsWith('CONFIG_')) return EXIT.USAGE
  return EXIT.OTHER
}
