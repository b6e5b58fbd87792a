// Amounts are integers in the chain's unit (PROTOCOL §1: at most 2^53 − 1). Input is digits only
// (a separator or a decimal point is refused, never guessed); pretty output groups thousands.
import { MAX_SAFE_INT } from '../../chain/constants.js'
import { EXIT, WalletError } from './errors.js'

export function parseAmount (text: string | undefined, flag: string, min = 1): number {
  if (text === undefined) throw new WalletError('WALLET_BAD_ARGUMENT', `${flag} is required`, EXIT.USAGE)
  if (!/^\d{1,16}$/.test(text)) throw new WalletError('WALLET_BAD_ARGUMENT', `${flag} must be an integer in the chain's unit (digits only), got "${text}"`, EXIT.USAGE)
  const n = Number(text)
  if (n < min || n > MAX_SAFE_INT) throw new WalletError('WALLET_BAD_ARGUMENT', `${flag} must be from ${min} to 2^53 − 1`, EXIT.USAGE)
  return n
}

/** 1234567 → "1,234,567" (decimal strings from the API too). */
export function formatAmount (v: number | string | bigint): string {
  return BigInt(v).toLocaleString('en-US')
}
