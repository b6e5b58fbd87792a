// An in-memory chain of valid blocks for unit tests of validation, the miner and the pool:
// blocks and the account state after each, one straight line (no fork choice; the simulation
// uses the real Chain for that).
import { type Genesis, buildGenesis } from '../../chain/genesis.js'
import { type KeyPair, keyPairFromSeed } from '../../chain/crypto.js'
import { type Block, blockId } from '../../chain/block.js'
import type { Transaction } from '../../chain/tx.js'
import type { Account, StateView } from '../../chain/state/account.js'
import type { StateOverlay } from '../../chain/state/overlay.js'
import { toHex } from '../../chain/hex.js'
import { checkpointHeight } from '../../chain/consensus/pot.js'
import { type BlockContext, validateBlock } from '../../chain/consensus/validateBlock.js'
import { buildBlock, earliestTimeFor } from '../../chain/miner.js'

export class MapState implements StateView {
  constructor (readonly accounts = new Map<string, Account>()) {}
  getAccount (key: Uint8Array): Account | undefined { return this.accounts.get(toHex(key)) }
  /** A new state with the overlay's changes on top (this one is left as it was). */
  withChanges (overlay: StateOverlay): MapState {
    const next = new Map(this.accounts)
    for (const [k, c] of overlay.changes) next.set(k, c.account)
    return new MapState(next)
  }
}

export const GENESIS_T = 1_800_000_000

export function testKeys (n: number, prefix = 'sim-key-'): KeyPair[] {
  return Array.from({ length: n }, (_, i) => keyPairFromSeed(prefix + i))
}

export function testGenesis (keys: KeyPair[], powers: number[], opts: { blockTime?: number, mutableRange?: number, minFee?: number, blockReward?: number, balance?: number } = {}): Genesis {
  return buildGenesis({
    name: 'simnet', timestamp: GENESIS_T, blockTime: opts.blockTime ?? 10, mutableRange: opts.mutableRange ?? 6,
    minFee: opts.minFee ?? 1, blockReward: opts.blockReward ?? 10,
    accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: opts.balance ?? 1_000_000, power: powers[i] ?? 0 }))
  })
}

export function genesisState (g: Genesis): MapState {
  const m = new Map<string, Account>()
  for (const a of g.config.accounts) m.set(toHex(a.pubkey), { balance: a.balance, nonce: 0, power: a.power })
  return new MapState(m)
}

export class MemChain {
  readonly blocks: Block[]
  readonly states: MapState[]
  readonly txs: Transaction[][] = [[]]

  constructor (readonly genesis: Genesis) {
    this.blocks = [genesis.block]
    this.states = [genesisState(genesis)]
  }

  get tip (): Block { return this.blocks[this.blocks.length - 1] }
  get tipState (): MapState { return this.states[this.states.length - 1] }

  /** Context for a child of the current tip. */
  context (now: number): BlockContext {
    const parent = this.tip
    const n = parent.n + 1
    return {
      genesis: this.genesis, parent, ancestor3: parent.n >= 3 ? this.blocks[parent.n - 3] : undefined,
      checkpointId: blockId(this.blocks[checkpointHeight(n, this.genesis.config.mutableRange)]),
      parentState: this.tipState, now
    }
  }

  /** Validates and appends. */
  append (block: Block, txs: Transaction[], now = block.t): void {
    const tr = validateBlock(block, txs, this.context(now))
    this.blocks.push(block)
    this.states.push(this.tipState.withChanges(tr.overlay))
    this.txs.push(txs)
  }

  /** Mines the next block with `key` at its earliest time (or `t`), appends it and returns it. */
  mine (key: KeyPair, txs: Transaction[] = [], t?: number): Block {
    const ctx = this.context(0)
    const when = t ?? earliestTimeFor(ctx, key.publicKey)
    ctx.now = when
    const built = buildBlock(key, ctx, when, txs)
    this.append(built.block, built.txs)
    return built.block
  }
}
