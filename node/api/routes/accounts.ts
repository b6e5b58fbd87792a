// Account routes: tip state, and the account's main-chain transactions paged through the store's
// account index.
import { effectivePower } from '../../../chain/consensus/pot.js'
import { toHex } from '../../../chain/hex.js'
import { ApiError, type Router } from '../http.js'
import { IMMUTABLE, NO_STORE, txJson } from '../format.js'
import { type ApiDeps, isFinal } from '../deps.js'
import type { AccountJson, AccountTxJson, AccountTxPageJson } from '../types.js'
import { hexParam, intParam } from '../params.js'

export const ACCOUNT_TXS_DEFAULT_LIMIT = 25
export const ACCOUNT_TXS_MAX_LIMIT = 100

export function addAccountRoutes (router: Router, { node }: ApiDeps): void {
  router.add('GET', '/account/:key', req => {
    const key = hexParam(req.params.key, 32, 'key')
    const a = node.ctx.chain.state.getAccount(key) ?? { balance: 0, nonce: 0, power: 0 }
    const body: AccountJson = {
        key: toHex(key), balance: String(a.balance), nonce: a.nonce, power: a.power,
        effectivePower: effectivePower(a.power).toString(), nextNonce: node.ctx.pool.nextNonce(key), pooledTxs: node.ctx.pool.senderTxs(key).length
    }
    return { body, headers: NO_STORE }
  })

  // Newest first, from the account index ('X' keys, chain/store/accountIndex.ts): one reverse
  // range read of `limit` keys, so the last page of an old account costs what the first does.
  // `cursor` is the previous page's `next` (height-position of its last transaction); `before`
  // starts below a height instead. A page under a final cursor can never change: cached for good.
  router.add('GET', '/account/:key/txs', async req => {
    const key = hexParam(req.params.key, 32, 'key')
    const { chain } = node.ctx
    const limit = intParam(req.query.get('limit'), 'limit', 1, ACCOUNT_TXS_MAX_LIMIT, ACCOUNT_TXS_DEFAULT_LIMIT)
    const cursor = req.query.get('cursor')
    let from: { n: number, pos: number } | undefined
    if (cursor !== null) {
      if (req.query.get('before') !== null) throw new ApiError('BAD_PARAM', 'pass cursor or before, not both')
      from = cursorParam(cursor)
    } else if (req.query.get('before') !== null) {
      from = { n: intParam(req.query.get('before'), 'before', 0, Number.MAX_SAFE_INTEGER), pos: 0 }
    }
    // One key more than the page tells whether a next page exists, so `next` is null on the last one.
    const read = await chain.accountTxs(key, from, limit + 1)
    const page = read.slice(0, limit)
    const txs = page.map((e): AccountTxJson => {
      const tx = chain.getTx(e.txId)
      const id = chain.mainIdAt(e.n)
      if (tx === undefined || id === undefined) throw new ApiError('STORE_INCONSISTENT', `account index names ${toHex(e.txId)} at height ${e.n}, which is not stored`)
      return { ...txJson(tx, e.txId), block: { id: toHex(id), height: e.n }, position: e.pos }
    })
    const last = page.at(-1)
    const next = read.length > limit && last !== undefined ? `${last.n}-${last.pos}` : null
    const headers = from !== undefined && from.n <= chain.tip().n && isFinal(node, from.n) ? IMMUTABLE : NO_STORE
    const body: AccountTxPageJson = { key: toHex(key), txs, next }
    return { body, headers }
  })
}

/** A page cursor: "<height>-<position>", as `next` gives it. */
function cursorParam (v: string): { n: number, pos: number } {
  const m = /^(\d{1,15})-(\d{1,5})$/.exec(v)
  const pos = m !== null ? Number(m[2]) : -1
  if (m === null || pos > 0xffff) throw new ApiError('BAD_PARAM', 'cursor must be "<height>-<position>" as a previous page\'s next gives it')
  return { n: Number(m[1]), pos }
}
