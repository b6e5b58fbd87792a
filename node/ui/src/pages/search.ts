// Search: a height, a block id, a transaction id or an account key. `#/search/<q>` asks the node in
// that order and replaces itself with the result's URL (so Back skips it), or shows not found.
// An account counts as found when the node knows anything about it (balance, nonce, power, pool).
import { getJson, isNotFound } from '../api.js'
import { classifySearch } from '../format.js'
import { type PageContext, redirect } from '../router.js'
import type { Account } from '../types.js'
import { notFound } from './common.js'

async function exists (path: string, signal: AbortSignal): Promise<boolean> {
  try { await getJson(path, signal); return true } catch (e) { if (isNotFound(e)) return false; throw e }
}

export async function searchPage ({ view, params, signal }: PageContext): Promise<void> {
  const q = classifySearch(params[0] ?? '')
  if (q.kind === 'height') {
    if (await exists(`/block-height/${q.height}`, signal)) { redirect(`#/height/${q.height}`); return }
    notFound(view, `main-chain block at height ${q.height}`)
    return
  }
  if (q.kind === 'invalid') { notFound(view, 'block, transaction or account (give a height or 64 hex characters)'); return }
  if (await exists(`/block/${q.hex}`, signal)) { redirect(`#/block/${q.hex}`); return }
  if (await exists(`/tx/${q.hex}`, signal)) { redirect(`#/tx/${q.hex}`); return }
  const a = await getJson<Account>(`/account/${q.hex}`, signal)
  if (a.balance !== '0' || a.nonce > 0 || a.power > 0 || (a.pooledTxs ?? 0) > 0) { redirect(`#/account/${q.hex}`); return }
  notFound(view, 'block, transaction or account')
}
