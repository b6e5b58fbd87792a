// The fee estimate (chain/pool/feeEstimate.ts) over a real pool's mining selection.
import { expect } from 'chai'
import { keyPairFromSeed } from '../../../chain/crypto.js'
import { toHex } from '../../../chain/hex.js'
import { createTransfer } from '../../../chain/tx.js'
import type { Account } from '../../../chain/state/account.js'
import { TxPool } from '../../../chain/pool/pool.js'
import { estimateFee } from '../../../chain/pool/feeEstimate.js'
import { MAX_TXS_PER_BLOCK } from '../../../chain/constants.js'
import { MapState, testKeys } from '../../helpers/simChain.js'

const CHAIN_ID = new Uint8Array(16).fill(7)
const NOW = 1_800_000_000
const keys = testKeys(20, 'fee-')
const dest = keyPairFromSeed('fee-dest').publicKey

describe('chain/pool/feeEstimate', () => {
  const accounts = new Map<string, Account>(keys.map(k => [toHex(k.publicKey), { balance: 1_000_000, nonce: 0, power: 0 }]))
  const state = new MapState(accounts)
  const pool = (): TxPool => new TxPool({ rules: { chainId: CHAIN_ID, minFee: 3 }, getState: () => state, now: () => NOW })
  const add = (p: TxPool, i: number, fee: number): void => {
    p.add(createTransfer(keys[i].secretKey, keys[i].publicKey, { chainId: CHAIN_ID, to: dest, amount: 1, fee, nonce: 1, timestamp: NOW }))
  }

  it('is minFee while the next block has room, whatever the fees pooled', () => {
    const p = pool()
    for (let i = 0; i < 5; i++) add(p, i, 50 + i)
    const e = estimateFee(p.selectForMining(), 3, p.size)
    expect(e).to.include({ fee: 3, minFee: 3, nextBlockTxs: 5, maxBlockTxs: MAX_TXS_PER_BLOCK, lowestIncludedFee: 50, poolSize: 5 })
  })

  it('is one above the lowest fee the full next block takes', () => {
    const p = pool()
    for (let i = 0; i < 20; i++) add(p, i, 10 + i) // fees 10..29: the block takes 14..29
    const e = estimateFee(p.selectForMining(), 3, p.size)
    expect(e.nextBlockTxs).to.equal(MAX_TXS_PER_BLOCK)
    expect(e.lowestIncludedFee).to.equal(14)
    expect(e.fee).to.equal(15)
  })

  it('is never below minFee, and minFee on an empty pool', () => {
    expect(estimateFee([], 4, 0)).to.include({ fee: 4, lowestIncludedFee: null })
    const p = pool()
    for (let i = 0; i < 16; i++) add(p, i, 3)
    expect(estimateFee(p.selectForMining(), 100, p.size).fee).to.equal(100)
  })
})
