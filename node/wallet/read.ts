// Wallet commands that only read: balance, tx, history. Pretty output groups amounts by thousands;
// --json prints one JSON object with amounts as decimal strings.
import { formatAmount } from './amount.js'
import { EXIT } from './errors.js'
import type { TxStatusView, TxView } from './client.js'
import { WALLET_HISTORY_DEFAULT_LIMIT, WALLET_HISTORY_MAX_LIMIT } from './constants.js'
import { type WalletContext, intArg, txIdArg } from './options.js'

const short = (hex: string): string => `${hex.slice(0, 12)}…`

export function print (w: WalletContext, json: unknown, pretty: string[]): void {
  console.log(w.json ? JSON.stringify(json, null, 2) : pretty.join('\n'))
}

export async function balance (w: WalletContext, keyArg: string | undefined): Promise<number> {
  const key = w.keyArg(keyArg)
  const [a, pooled] = await Promise.all([w.client.account(key), w.client.poolTxs(key)])
  const pending = pooled.txs.map(t => ({ id: t.id, kind: t.kind, nonce: t.nonce, to: t.to ?? null, amount: t.amount ?? '0', fee: t.fee }))
  const pendingCost = pooled.txs.reduce((s, t) => s + BigInt(t.amount ?? '0') + BigInt(t.fee), 0n)
  print(w, { key, balance: a.balance, nonce: a.nonce, power: a.power, effectivePower: a.effectivePower, nextNonce: a.nextNonce, pendingCost: pendingCost.toString(), pending }, [
    `account          ${key}`,
    `balance          ${formatAmount(a.balance)}`,
    `nonce            ${a.nonce} (next ${a.nextNonce})`,
    `power            ${formatAmount(a.power)} (effective ⌊√power⌋ = ${formatAmount(a.effectivePower)})`,
    `pending outgoing ${pending.length}${pending.length > 0 ? ` (amount + fee ${formatAmount(pendingCost)})` : ''}`,
    ...pending.map(p => `  nonce ${p.nonce}  ${p.kind === 'note' ? 'note' : `${formatAmount(p.amount)} to ${short(p.to ?? '')}`}  fee ${formatAmount(p.fee)}  ${p.id}`)
  ])
  return 0
}

export function describeStatus (s: TxStatusView): string {
  if (s.status === 'pool') return 'pending (in the pool, not mined yet)'
  if (s.status === 'dropped') return `dropped: ${s.reason ?? 'unknown reason'}${s.by !== null ? ` (by ${s.by})` : ''}`
  const c = `${s.confirmations} confirmation${s.confirmations === 1 ? '' : 's'}`
  return s.final ? `final: mined at height ${String(s.height)}, ${c}` : `mined at height ${String(s.height)}, ${c} (not final yet)`
}

/** Exit 0 for pool, mined and final; a dropped transaction exits 8, an unknown one 7 (via the thrown code). */
export async function txCommand (w: WalletContext, idArg: string | undefined): Promise<number> {
  const id = txIdArg(idArg)
  const s = await w.client.txStatus(id)
  print(w, s, [`${id}`, describeStatus(s)])
  return s.status === 'dropped' ? EXIT.DROPPED : EXIT.OK
}

export async function history (w: WalletContext, keyArg: string | undefined): Promise<number> {
  const key = w.keyArg(keyArg)
  const before = intArg(w.flags.before as string | undefined, '--before', 1, Number.MAX_SAFE_INTEGER)
  const limit = intArg(w.flags.limit as string | undefined, '--limit', 1, WALLET_HISTORY_MAX_LIMIT) ?? WALLET_HISTORY_DEFAULT_LIMIT
  // The first page starts with what is still pending (newest of all); later pages are mined only.
  const pending: TxView[] = before === undefined ? (await w.client.poolTxs(key)).txs.slice().reverse() : []
  const page = await w.client.history(key, before, limit)
  const row = (t: TxView, where: string): string => {
    const out = t.from === key
    const what = t.kind === 'note' ? 'note' : out ? `sent ${formatAmount(t.amount ?? '0')} to ${short(t.to ?? '')}` : `received ${formatAmount(t.amount ?? '0')} from ${short(t.from)}`
    return `${where.padEnd(12)} ${what}  fee ${formatAmount(t.fee)}${out ? '' : ' (paid by sender)'}  nonce ${t.nonce}  ${t.id}`
  }
  print(w, { key, pending, txs: page.txs, next: page.next }, [
    `account ${key}`,
    ...pending.map(t => row(t, 'pending')),
    ...page.txs.map(t => row(t, `height ${String(t.block?.height ?? '?')}`)),
    ...(pending.length + page.txs.length === 0 ? ['no transactions on this page'] : []),
    page.next !== null ? `more: tau-node wallet history ${key} --before ${page.next}` : 'end of history'
  ])
  return 0
}
