// Mines valid test chains fast, as a tree: any built block can get children, so forks are one
// call. Blocks come from the real miner (chain/miner.ts) with contexts built from this tree and
// states from the real transition, so every block passes validateBlock. "slow" blocks sit MAX_BT
// after their parent, where any key is eligible (PROTOCOL §4, liveness); "fast" blocks use the
// earliest time of the best-placed key, so a fast branch carries more difficulty per block.
import { type Block, blockId, signBlock } from '../../chain/block.js'
import { type KeyPair, keyPairFromSeed, sha256 } from '../../chain/crypto.js'
import { type Genesis, buildGenesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { type Transaction, createNote, createTransfer, txId } from '../../chain/tx.js'
import { checkpointHeight, potParams } from '../../chain/consensus/pot.js'
import { type BlockContext, deriveChildFields } from '../../chain/consensus/validateBlock.js'
import { buildBlock, earliestTimeFor } from '../../chain/miner.js'
import { MemoryState, genesisState } from '../../chain/state/replay.js'

export const TEST_GENESIS_T = 1_800_000_000
/** A `now` far after any test block, so no block is "from the future". */
export const TEST_NOW = TEST_GENESIS_T + 10_000_000

export interface TestNetOptions { mutableRange?: number, blockTime?: number, powers?: number[], balance?: number, blockReward?: number, minFee?: number }

export interface TestNet { genesis: Genesis, keys: KeyPair[] }

/**
 * Default powers are large on purpose: BT0 = 2^64 / (T·Σ√power) is then small, and slow blocks
 * (each raises b by 10%) keep adding difficulty for ~180 blocks before 2^64 / b reaches 0.
 * With powers like 100 that happens after ~60 blocks, and longer slow chains stop getting heavier.
 */
export function testNet (o: TestNetOptions = {}): TestNet {
  const powers = o.powers ?? [1e12, 64e10, 36e10, 16e10]
  const keys = powers.map((_, i) => keyPairFromSeed(`chain-builder-key-${i}`))
  const genesis = buildGenesis({
    name: 'chaintest', timestamp: TEST_GENESIS_T, blockTime: o.blockTime ?? 10, mutableRange: o.mutableRange ?? 3,
    minFee: o.minFee ?? 1, blockReward: o.blockReward ?? 10,
    accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: o.balance ?? 1_000_000_000, power: powers[i] }))
  })
  return { genesis, keys }
}

export interface Built {
  block: Block
  id: Uint8Array
  txs: Transaction[]
  /** Account state after this block. */
  state: MemoryState
}

export interface ChildOptions {
  /** Index into net.keys (default 0); ignored for speed 'fast'. */
  miner?: number
  /** Transactions, or a number of fresh transfers to make. */
  txs?: Transaction[] | number
  speed?: 'slow' | 'fast'
  /** Explicit timestamp (the caller vouches for eligibility). */
  t?: number
}

export class ChainBuilder {
  private readonly nodes = new Map<string, Built>()
  readonly genesis: Genesis
  readonly root: Built
  private counter = 0

  constructor (readonly net: TestNet) {
    this.genesis = net.genesis
    this.root = { block: net.genesis.block, id: net.genesis.blockId, txs: [], state: genesisState(net.genesis) }
    this.nodes.set(toHex(this.root.id), this.root)
  }

  get (id: Uint8Array): Built {
    const b = this.nodes.get(toHex(id))
    if (b === undefined) throw new Error(`builder has no block ${toHex(id)}`)
    return b
  }

  /** The block at height h on `from`'s chain. */
  ancestorAt (from: Built, h: number): Built {
    let cur = from
    while (cur.block.n > h) cur = this.get(cur.block.p)
    return cur
  }

  context (parent: Built, now = TEST_NOW): BlockContext {
    const M = this.genesis.config.mutableRange
    return {
      genesis: this.genesis, parent: parent.block,
      ancestor3: parent.block.n >= 3 ? this.ancestorAt(parent, parent.block.n - 3).block : undefined,
      checkpointId: this.ancestorAt(parent, checkpointHeight(parent.block.n + 1, M)).id,
      parentState: parent.state, now
    }
  }

  child (parent: Built, o: ChildOptions = {}): Built {
    const ctx = this.context(parent)
    let key = this.net.keys[o.miner ?? 0]
    let t = o.t ?? parent.block.t + Number(potParams(this.genesis.config.blockTime).MAX_BT)
    if (o.speed === 'fast' && o.t === undefined) {
      for (const k of this.net.keys) {
        const when = earliestTimeFor(ctx, k.publicKey)
        if (when < t) { t = when; key = k }
      }
    }
    const txs = typeof o.txs === 'number' ? this.transfers(parent, o.txs) : (o.txs ?? [])
    const built = buildBlock(key, ctx, t, txs)
    if (built.txs.length !== txs.length) throw new Error(`builder: ${txs.length - built.txs.length} transactions did not apply`)
    const state = parent.state.clone()
    state.apply(built.transition.overlay)
    const node: Built = { block: built.block, id: built.id, txs: built.txs, state }
    this.nodes.set(toHex(node.id), node)
    return node
  }

  /**
   * A correctly signed, eligible child whose one transaction does not apply (its nonce is too high):
   * the header is valid, the block is not. Registered, so children can be built on it.
   */
  badChild (parent: Built, o: { miner?: number } = {}): Built {
    const ctx = this.context(parent)
    const key = this.net.keys[o.miner ?? 0]
    const s = this.net.keys[1]
    const bad = createNote(s.secretKey, s.publicKey, {
      chainId: this.genesis.chainId, fee: this.genesis.config.minFee,
      nonce: (parent.state.getAccount(s.publicKey)?.nonce ?? 0) + 5, timestamp: parent.block.t
    })
    const { b, g, d } = deriveChildFields(ctx, key.publicKey)
    const block = signBlock({
      v: 1, c: this.genesis.chainId, n: parent.block.n + 1, p: parent.id,
      t: parent.block.t + Number(potParams(this.genesis.config.blockTime).MAX_BT), b, d, g,
      m: key.publicKey, i: ctx.checkpointId, x: [txId(bad)]
    }, key.secretKey)
    const node: Built = { block, id: blockId(block), txs: [bad], state: parent.state.clone() }
    this.nodes.set(toHex(node.id), node)
    return node
  }

  /** `count` blocks in a row on top of `parent`; returns them in order. */
  extend (parent: Built, count: number, o: ChildOptions = {}): Built[] {
    const out: Built[] = []
    let cur = parent
    for (let i = 0; i < count; i++) out.push(cur = this.child(cur, o))
    return out
  }

  /** `count` transfers valid on `parent`'s state: senders rotate over the keys, receivers are new accounts. */
  transfers (parent: Built, count: number, o: { amount?: number, to?: Uint8Array } = {}): Transaction[] {
    const nonces = this.net.keys.map(k => parent.state.getAccount(k.publicKey)?.nonce ?? 0)
    const out: Transaction[] = []
    for (let i = 0; i < count; i++) {
      const s = i % this.net.keys.length
      const k = this.net.keys[s]
      const to = o.to ?? sha256(new TextEncoder().encode(`receiver-${this.counter++}`)) // any 32 bytes may receive
      out.push(createTransfer(k.secretKey, k.publicKey, {
        chainId: this.genesis.chainId, to, amount: o.amount ?? 1000, fee: this.genesis.config.minFee + (i % 5),
        nonce: ++nonces[s], timestamp: parent.block.t
      }))
    }
    return out
  }

  /** A note from key `s` valid on `parent`'s state. */
  note (parent: Built, s = 0): Transaction {
    const k = this.net.keys[s]
    return createNote(k.secretKey, k.publicKey, {
      chainId: this.genesis.chainId, fee: this.genesis.config.minFee,
      nonce: (parent.state.getAccount(k.publicKey)?.nonce ?? 0) + 1, timestamp: parent.block.t
    })
  }

  /** Hex id → tx for every transaction of `blocks` (importBranch's argument). */
  txMap (blocks: Built[]): Map<string, Transaction> {
    return new Map(blocks.flatMap(x => x.txs.map(t => [toHex(txId(t)), t] as [string, Transaction])))
  }

  /** The chain from genesis (exclusive) to `tip` (inclusive). */
  path (tip: Built): Built[] {
    const out: Built[] = []
    for (let cur = tip; cur.block.n > 0; cur = this.get(cur.block.p)) out.push(cur)
    return out.reverse()
  }
}
