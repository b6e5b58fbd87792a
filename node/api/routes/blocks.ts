// Block routes: tip, by id (immutable), by height, status, and a keyset-paginated list.
import { toHex } from '../../../chain/hex.js'
import { ApiError, type Router } from '../http.js'
import { IMMUTABLE, NO_STORE, blockJson, blockSummary, txJson } from '../format.js'
import { type ApiDeps, isFinal } from '../deps.js'
import { flagParam, hexParam, intParam } from '../params.js'
import type { BlockJson, BlockPageJson, BlockStatusJson, BlockSummaryJson, HeightIdJson } from '../types.js'

export const BLOCKS_DEFAULT_LIMIT = 10
export const BLOCKS_MAX_LIMIT = 100

export function addBlockRoutes (router: Router, { node }: ApiDeps): void {
  const chain = (): typeof node.ctx.chain => node.ctx.chain

  router.add('GET', '/blocks/tip', () => {
    const tip = chain().tip()
    const body: BlockJson = { ...blockJson(tip.block, tip.id), cumulativeDifficulty: tip.d.toString() }
    return { body, headers: NO_STORE }
  })

  // Content addressed by its hash never changes, main chain or not: cache it for good. Whether it
  // is on the main chain is /block/:id/status (not cached).
  router.add('GET', '/block/:id', req => {
    const id = hexParam(req.params.id, 32, 'id')
    const withTxs = flagParam(req.query.get('txs'), 'txs')
    const b = chain().getBlock(id)
    if (b === undefined) throw new ApiError('BLOCK_NOT_FOUND', 'no such block')
    const body = blockJson(b, id)
    if (withTxs) body.txs = chain().blockTxs(b).map((t, i) => txJson(t, b.x[i]))
    return { body, headers: IMMUTABLE }
  })

  router.add('GET', '/block/:id/status', req => {
    const id = hexParam(req.params.id, 32, 'id')
    const b = chain().getBlock(id)
    if (b === undefined) throw new ApiError('BLOCK_NOT_FOUND', 'no such block')
    const main = chain().isMain(id)
    const next = main ? chain().mainIdAt(b.n + 1) : undefined
    const body: BlockStatusJson = { id: toHex(id), height: b.n, inBestChain: main, nextBest: next !== undefined ? toHex(next) : null, final: main && isFinal(node, b.n) }
    return { body, headers: NO_STORE }
  })

  router.add('GET', '/block-height/:n', req => {
    const n = intParam(req.params.n, 'n', 0, Number.MAX_SAFE_INTEGER)
    // mainBlockAt, not mainIdAt: an id whose block is gone is STORE_CORRUPT (500), not an id that 404s.
    const b = chain().getBlockAt(n)
    if (b === undefined) throw new ApiError('BLOCK_NOT_FOUND', `no main-chain block at height ${n}`)
    const id = chain().mainIdAt(n)!
    const body: HeightIdJson = { height: n, id: toHex(id) }
    return { body, headers: isFinal(node, n) ? IMMUTABLE : NO_STORE }
  })

  // Newest first: blocks with height < before (default: the tip + 1). `next` is the cursor for
  // the following page (null after genesis).
  router.add('GET', '/blocks', req => {
    const tipN = chain().tip().n
    const before = Math.min(intParam(req.query.get('before'), 'before', 0, Number.MAX_SAFE_INTEGER, tipN + 1), tipN + 1)
    const limit = intParam(req.query.get('limit'), 'limit', 1, BLOCKS_MAX_LIMIT, BLOCKS_DEFAULT_LIMIT)
    const blocks: BlockSummaryJson[] = []
    let n = before - 1
    for (; n >= 0 && blocks.length < limit; n--) {
      const b = chain().getBlockAt(n)
      if (b === undefined) break
      blocks.push(blockSummary(b, chain().mainIdAt(n)))
    }
    const body: BlockPageJson = { blocks, next: n >= 0 ? n + 1 : null }
    return { body, headers: NO_STORE }
  })
}
