// Replaying blocks from genesis with the one state transition (applyBlockTxs). Reindex rebuilds the
// store from it, verify() compares the stored state with it, and tests use it as the oracle:
// the state of every main-chain block must equal this replay (PROTOCOL §5).
import type { Block } from '../block.js'
import type { Genesis } from '../genesis.js'
import { toHex } from '../hex.js'
import type { Transaction } from '../tx.js'
import type { Account, StateView } from './account.js'
import type { StateOverlay } from './overlay.js'
import { type BlockTransition, applyBlockTxs } from './transition.js'

/** A whole state in memory, keyed by hex account key. */
export class MemoryState implements StateView {
  constructor (readonly accounts = new Map<string, { key: Uint8Array, account: Account }>()) {}

  getAccount (key: Uint8Array): Account | undefined {
    return this.accounts.get(toHex(key))?.account
  }

  set (key: Uint8Array, account: Account | undefined): void {
    if (account === undefined) this.accounts.delete(toHex(key))
    else this.accounts.set(toHex(key), { key, account: { ...account } })
  }

  /** Writes an overlay's changes into this state. */
  apply (overlay: StateOverlay): void {
    for (const c of overlay.changes.values()) this.set(c.key, c.account)
  }

  clone (): MemoryState {
    return new MemoryState(new Map(this.accounts))
  }

  /** Sorted [hex, account] pairs: two states are equal when these are deep-equal. */
  entries (): Array<[string, Account]> {
    return [...this.accounts.entries()].sort((a, b) => a[0] < b[0] ? -1 : 1).map(([k, v]) => [k, v.account])
  }
}

/** Genesis state (§2): every genesis account with its balance and power, nonce 0. */
export function genesisState (genesis: Genesis): MemoryState {
  const s = new MemoryState()
  for (const a of genesis.config.accounts) s.set(a.pubkey, { balance: a.balance, nonce: 0, power: a.power })
  return s
}

/** Applies one block's transactions to `state` in place and returns the transition. Throws the tx's ChainError. */
export function replayBlock (genesis: Genesis, state: MemoryState, block: Block, txs: Transaction[]): BlockTransition {
  const tr = applyBlockTxs(state, block.m, txs, genesis.config.blockReward)
  state.apply(tr.overlay)
  return tr
}

/** The state after the last of `blocks` (which must start at height 1 and link up), from genesis. */
export function replayFromGenesis (genesis: Genesis, blocks: Iterable<{ block: Block, txs: Transaction[] }>): MemoryState {
  const state = genesisState(genesis)
  for (const { block, txs } of blocks) replayBlock(genesis, state, block, txs)
  return state
}
