// Why the pool pipeline says a transaction left the pool (node/pipelines/pool.ts → GET /tx/:id/status):
// a real TxPool over a state the test moves as a block would, and the pipeline's submit/onTip paths.
import { expect } from 'chai'
import { keyPairFromSeed } from '../../../chain/crypto.js'
import { toHex } from '../../../chain/hex.js'
import { type Transaction, createNote, createTransfer, txId } from '../../../chain/tx.js'
import type { Account } from '../../../chain/state/account.js'
import { TxPool } from '../../../chain/pool/pool.js'
import { NodeEvents, type NodeContext } from '../../../node/context.js'
import { createLogger } from '../../../node/logger.js'
import { PoolPipeline } from '../../../node/pipelines/pool.js'
import { MapState } from '../../helpers/simChain.js'

const CHAIN_ID = new Uint8Array(16).fill(9)
const NOW = 1_800_000_000
const a = keyPairFromSeed('drop-a')
const b = keyPairFromSeed('drop-b')

describe('node/pipelines/pool: drop reasons', () => {
  let state: MapState
  let now: number
  let pipeline: PoolPipeline
  let pool: TxPool
  const setAccount = (k: typeof a, acc: Account): void => { state = new MapState(new Map(state.accounts).set(toHex(k.publicKey), acc)) }
  const transfer = (n: number, fee: number, amount = 10, t = NOW): Transaction =>
    createTransfer(a.secretKey, a.publicKey, { chainId: CHAIN_ID, to: b.publicKey, amount, fee, nonce: n, timestamp: t })
  const reasonOf = (tx: Transaction): string | undefined => pipeline.dropped.get(toHex(txId(tx)))?.reason

  beforeEach(() => {
    now = NOW
    state = new MapState(new Map([[toHex(a.publicKey), { balance: 1000, nonce: 0, power: 0 }]]))
    pool = new TxPool({ rules: { chainId: CHAIN_ID, minFee: 1 }, getState: () => state, now: () => now })
    // The pipeline reads only pool, chain (getTx, state), events, log and the clock on these paths.
    const ctx = {
      pool, events: new NodeEvents(), log: createLogger('error', 'json'), nowS: () => now,
      chain: { getTx: () => undefined, get state () { return state } }
    } as unknown as NodeContext
    pipeline = new PoolPipeline(ctx, () => {})
  })

  it('replaced: by the higher-fee transaction with the same nonce', () => {
    const low = transfer(1, 2)
    const high = transfer(1, 5)
    pipeline.submit(low, 'api')
    pipeline.submit(high, 'api')
    expect(pipeline.dropped.get(toHex(txId(low)))).to.include({ reason: 'replaced', by: toHex(txId(high)) })
  })

  it('nonce-used: another transaction with its nonce was mined', () => {
    const pooled = transfer(1, 2)
    pipeline.submit(pooled, 'api')
    const other = createNote(a.secretKey, a.publicKey, { chainId: CHAIN_ID, fee: 3, nonce: 1, timestamp: NOW })
    setAccount(a, { balance: 997, nonce: 1, power: 1 })
    pipeline.onTip([other])
    expect(pipeline.dropped.get(toHex(txId(pooled)))).to.include({ reason: 'nonce-used', by: toHex(txId(other)) })
  })

  it('insufficient-balance and expired, read back from the new tip state', () => {
    const spend = transfer(1, 2, 900)
    pipeline.submit(spend, 'api')
    setAccount(a, { balance: 100, nonce: 0, power: 0 }) // another branch spent the funds
    pipeline.onTip([])
    expect(reasonOf(spend)).to.equal('insufficient-balance')
    setAccount(a, { balance: 1000, nonce: 0, power: 0 })
    const old = transfer(1, 2, 10, NOW)
    pipeline.submit(old, 'api')
    now = NOW + pool.limits.maxAgeS + 1
    pipeline.onTip([])
    expect(reasonOf(old)).to.equal('expired')
  })

  it('a resubmitted transaction is no longer reported dropped', () => {
    const spend = transfer(1, 2, 900)
    pipeline.submit(spend, 'api')
    setAccount(a, { balance: 100, nonce: 0, power: 0 })
    pipeline.onTip([])
    expect(reasonOf(spend)).to.equal('insufficient-balance')
    setAccount(a, { balance: 1000, nonce: 0, power: 0 })
    pipeline.submit(spend, 'api')
    expect(reasonOf(spend)).to.equal(undefined)
  })
})
