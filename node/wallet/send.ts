// Wallet commands that sign or submit: send, note, bump, broadcast. Everything the wallet can check
// is checked before anything is submitted (fee ≥ minFee, balance covers this and the pooled txs,
// nonce without a gap, room in the sender's pool share), each with its own code; then the
// transaction is signed here (the secret never leaves this process) and only its bytes go to POST /tx.
import { MAX_MEMO_BYTES, MAX_SAFE_INT, TX_KIND_TRANSFER } from '../../chain/constants.js'
import { fromHex, toHex } from '../../chain/hex.js'
import { type Transaction, createNote, createTransfer, decodeTx, encodeTx, txCost, txId } from '../../chain/tx.js'
import { isChainError } from '../../chain/errors.js'
import { parseAmount, formatAmount } from './amount.js'
import { WALLET_MAX_CONFIRMATIONS, WALLET_WAIT_DEFAULT_TIMEOUT_S, WALLET_WAIT_MAX_TIMEOUT_S } from './constants.js'
import { EXIT, WalletError } from './errors.js'
import type { NodeErrorCode } from '../errors.js'
import { type WalletContext, intArg, publicKeyArg, txIdArg } from './options.js'
import { print } from './read.js'
import { followTx } from './wait.js'

interface Draft { kind: 'transfer' | 'note', to?: string, amount: number, fee: number, memo: Uint8Array, nonce: number }

const refuse = (code: NodeErrorCode, msg: string, data?: Record<string, unknown>): WalletError => new WalletError(code, msg, EXIT.REFUSED_LOCALLY, data)
const nowS = (): number => Math.floor(Date.now() / 1000)

function memoArg (v: string | undefined): Uint8Array {
  const m = new TextEncoder().encode(v ?? '')
  if (m.length > MAX_MEMO_BYTES) throw new WalletError('WALLET_BAD_ARGUMENT', `--memo is ${m.length} bytes of UTF-8; at most ${MAX_MEMO_BYTES}`, EXIT.USAGE)
  return m
}

function sign (d: Draft, key: { secretKey: Uint8Array, publicKey: Uint8Array }, chainId: Uint8Array): Transaction {
  const common = { chainId, fee: d.fee, nonce: d.nonce, timestamp: nowS(), memo: d.memo }
  return d.kind === 'note'
    ? createNote(key.secretKey, key.publicKey, common)
    : createTransfer(key.secretKey, key.publicKey, { ...common, to: fromHex(d.to as string, 32), amount: d.amount })
}

/** What the sender's pooled transactions already spend, and the one `replacing` (same nonce) would free. */
async function pooledSpend (w: WalletContext, sender: string, nonce: number): Promise<{ total: bigint, replaced?: bigint, count: number }> {
  const { txs } = await w.client.poolTxs(sender)
  let total = 0n
  let replaced: bigint | undefined
  for (const t of txs) {
    const cost = BigInt(t.amount ?? '0') + BigInt(t.fee)
    total += cost
    if (t.nonce === nonce) replaced = cost
  }
  return { total, replaced, count: txs.length }
}

/** The pre-submission checks against the node's view; fills the nonce and an `auto` fee. */
async function checkOnline (w: WalletContext, sender: string, d: Omit<Draft, 'nonce' | 'fee'>, feeArg: string, nonceArg: number | undefined): Promise<Draft> {
  const [acct, fees, pool] = await Promise.all([w.client.account(sender), w.client.fees(), w.client.pool()])
  const minFee = Number(fees.minFee)
  const fee = feeArg === 'auto' ? Number(fees.fee) : parseAmount(feeArg, '--fee', 0)
  if (fee < minFee) throw refuse('WALLET_FEE_TOO_LOW', `fee ${formatAmount(fee)} is below the chain's minimum ${formatAmount(minFee)}`, { fee, minFee })
  const nonce = nonceArg ?? acct.nextNonce
  if (nonce <= acct.nonce) throw refuse('WALLET_NONCE_USED', `nonce ${nonce} is already used (the account is at ${acct.nonce}; next free ${acct.nextNonce})`, { nonce, accountNonce: acct.nonce })
  if (nonce > acct.nextNonce) throw refuse('WALLET_NONCE_GAP', `nonce ${nonce} leaves a gap: the next nonce is ${acct.nextNonce}, so it could not be mined until ${acct.nextNonce}…${nonce - 1} are`, { nonce, nextNonce: acct.nextNonce })
  // A full share is the likelier cause of a nonce past the window (both are 16), so it is named first.
  const spend = await pooledSpend(w, sender, nonce)
  if (spend.replaced === undefined && spend.count >= pool.limits.maxPerSender) {
    throw refuse('WALLET_POOL_SENDER_FULL', `${spend.count} of your transactions are pending, the pool's limit per sender; wait for some to be mined or bump one`, { pending: spend.count, limit: pool.limits.maxPerSender })
  }
  if (nonce > acct.nonce + pool.limits.nonceWindow) throw refuse('WALLET_NONCE_GAP', `nonce ${nonce} is beyond the pool's window (${acct.nonce} + ${pool.limits.nonceWindow}); wait for pending transactions to be mined`, { nonce })
  const cost = BigInt(d.amount) + BigInt(fee)
  const committed = spend.total - (spend.replaced ?? 0n)
  if (committed + cost > BigInt(acct.balance)) {
    throw refuse('WALLET_INSUFFICIENT_BALANCE', `balance ${formatAmount(acct.balance)}${committed > 0n ? ` (${formatAmount(committed)} already pending)` : ''} does not cover amount + fee = ${formatAmount(cost)}`, { balance: acct.balance, pending: committed.toString(), cost: cost.toString() })
  }
  return { ...d, fee, nonce }
}

async function submitAndReport (w: WalletContext, tx: Transaction, what: Record<string, unknown>, pretty: string[]): Promise<number> {
  const id = await w.client.submit(toHex(encodeTx(tx)))
  if (id !== toHex(txId(tx))) throw new WalletError('WALLET_BAD_ANSWER', `the node answered id ${id} for transaction ${toHex(txId(tx))}`, EXIT.OTHER)
  if (w.flags.wait !== true) {
    print(w, { id, ...what }, [...pretty, id])
    return EXIT.OK
  }
  if (!w.json) console.log([...pretty, id].join('\n'))
  const confirmations = intArg(w.flags.confirmations as string | undefined, '--confirmations', 1, WALLET_MAX_CONFIRMATIONS)
  const timeoutS = intArg(w.flags.timeout as string | undefined, '--timeout', 1, WALLET_WAIT_MAX_TIMEOUT_S) ?? WALLET_WAIT_DEFAULT_TIMEOUT_S
  const s = await followTx(w.client, id, { confirmations, timeoutS, onProgress: w.json ? undefined : line => console.log(line) })
  if (w.json) print(w, { id, ...what, result: s }, [])
  return EXIT.OK
}

const described = (tx: Transaction): Record<string, unknown> => ({
  kind: tx.k === TX_KIND_TRANSFER ? 'transfer' : 'note', from: toHex(tx.f), to: tx.o !== undefined ? toHex(tx.o) : null,
  amount: String(tx.a ?? 0), fee: String(tx.e), nonce: tx.n
})
const prettyOf = (tx: Transaction): string =>
  `${tx.k === TX_KIND_TRANSFER ? `send ${formatAmount(tx.a ?? 0)} to ${toHex(tx.o as Uint8Array)}` : 'note'}, fee ${formatAmount(tx.e)}, nonce ${tx.n}`

/** `send` (kind 1) and `note` (kind 2); `--offline --nonce N --fee F` prints the signed hex instead. */
export async function send (w: WalletContext, kind: 'transfer' | 'note'): Promise<number> {
  const f = w.flags
  const base = kind === 'transfer'
    ? { kind, to: publicKeyArg(f.to as string | undefined, '--to'), amount: parseAmount(f.amount as string | undefined, '--amount'), memo: memoArg(f.memo as string | undefined) }
    : { kind, amount: 0, memo: memoArg(f.memo as string | undefined) }
  const feeArg = (f.fee as string | undefined) ?? 'auto'
  const nonceArg = intArg(f.nonce as string | undefined, '--nonce', 1, MAX_SAFE_INT)
  if (f.offline === true) {
    if (nonceArg === undefined || feeArg === 'auto') throw new WalletError('WALLET_BAD_ARGUMENT', '--offline needs --nonce N and --fee F (no node to ask)', EXIT.USAGE)
    const g = w.genesis()
    const fee = parseAmount(feeArg, '--fee', 0)
    if (fee < g.config.minFee) throw refuse('WALLET_FEE_TOO_LOW', `fee ${formatAmount(fee)} is below the chain's minimum ${formatAmount(g.config.minFee)}`, { fee, minFee: g.config.minFee })
    const tx = sign({ ...base, fee, nonce: nonceArg }, await w.signingKey(), g.chainId)
    const hex = toHex(encodeTx(tx))
    print(w, { id: toHex(txId(tx)), ...described(tx), hex }, [hex])
    return EXIT.OK
  }
  const sender = toHex(w.publicKey())
  const status = await w.client.status()
  const draft = await checkOnline(w, sender, base, feeArg, nonceArg)
  const tx = sign(draft, await w.signingKey(), fromHex(status.chainId, 16, 'chainId'))
  return await submitAndReport(w, tx, described(tx), [prettyOf(tx)])
}

/** Replaces a pending transaction of ours: same nonce, kind, receiver, amount and memo, strictly higher fee. */
export async function bump (w: WalletContext, idArg: string | undefined): Promise<number> {
  const id = txIdArg(idArg)
  const sender = toHex(w.publicKey())
  const found = await w.client.tx(id)
  if (found.status !== 'pool') throw refuse('WALLET_NOT_PENDING', `transaction ${id} is ${found.status}, not pending: nothing to replace`)
  const old = found.tx
  if (old.from !== sender) throw refuse('WALLET_NOT_OWN', `transaction ${id} was sent by ${old.from}, not by this wallet's key ${sender}`)
  const fee = parseAmount(w.flags.fee as string | undefined, '--fee', 0)
  if (fee <= Number(old.fee)) throw refuse('WALLET_FEE_NOT_HIGHER', `a replacement needs a fee above the pending ${formatAmount(old.fee)}; got ${formatAmount(fee)}`, { fee, pendingFee: old.fee })
  const base = old.kind === 'note'
    ? { kind: 'note' as const, amount: 0, memo: fromHex(old.memo) }
    : { kind: 'transfer' as const, to: old.to, amount: Number(old.amount), memo: fromHex(old.memo) }
  const draft = await checkOnline(w, sender, base, String(fee), old.nonce)
  const status = await w.client.status()
  const tx = sign(draft, await w.signingKey(), fromHex(status.chainId, 16, 'chainId'))
  return await submitAndReport(w, tx, { ...described(tx), replaces: id }, [`${prettyOf(tx)} (replaces ${id})`])
}

/** Submits a transaction signed elsewhere (`send --offline`). */
export async function broadcast (w: WalletContext, hexArg: string | undefined): Promise<number> {
  if (hexArg === undefined || !/^([0-9a-fA-F]{2})+$/.test(hexArg)) throw new WalletError('WALLET_BAD_ARGUMENT', 'HEX must be the signed transaction as hex (from send --offline)', EXIT.USAGE)
  let tx: Transaction
  try {
    tx = decodeTx(fromHex(hexArg))
  } catch (e) {
    if (!isChainError(e)) throw e
    throw new WalletError('WALLET_BAD_TX', `HEX is not a canonical transaction: ${e.message}`, EXIT.USAGE)
  }
  if (txCost(tx) > MAX_SAFE_INT) throw new WalletError('WALLET_BAD_TX', 'amount + fee exceeds 2^53 − 1', EXIT.USAGE)
  return await submitAndReport(w, tx, described(tx), [prettyOf(tx)])
}
