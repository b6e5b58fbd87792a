// Mines valid test chains fast, as a tree: any built block can get children, so forks are one
// call. Blocks come from the real miner (chain/miner.ts) with contexts built from this tree and
// states from the real transition, so every block passes validateBlock. "slow" blocks sit MAX_BT
// after their parent, where any key is eligible (PROTOCOL §4, liveness); "fast" blocks use the
// earliest time of the best-placed key, so a fast branch carries more difficulty per block.
//
// States cost O(blocks) to keep, not O(blocks × accounts): every block keeps only its own changes
// (its delta), and the builder keeps one live state, the "cursor", which it updates in place as it
// extends a branch. A block's full `state` is made on first read (the nearest ancestor with a kept
// state, copied, plus the deltas down to the block) and then kept on that block; so a long chain
// built with extend() and never read holds one full state, and 8,000 blocks × 8 new receivers build
// in bounded memory (scripts/bench/node/servedChain.ts). A state handed out is never written again.
import { type Block, blockId, signBlock } from '../../chain/block.js'
import { type KeyPair, keyPairFromSeed, sha256 } from '../../chain/crypto.js'
import { type Genesis, buildGenesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { type Transaction, createNote, createTransfer, txId } from '../../chain/tx.js'
import { checkpointHeight, potParams } from '../../chain/consensus/pot.js'
import { type BlockContext, deriveChildFields } from '../../chain/consensus/validateBlock.js'
import { buildBlock, earliestTimeFor } from '../../chain/miner.js'
import type { Account } from '../../chain/state/account.js'
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
  /** Account state after this block: made on first read, then kept; never written after. */
  readonly state: MemoryState
}

/** One account change of a block (the transition's overlay, copied). */
interface Change { key: Uint8Array, account: Account | undefined }

/** A built block: its own changes and its parent; the full state only once somebody read it. */
class Node implements Built {
  /** The full state after this block, once made (root: always). Never written after. */
  kept: MemoryState | undefined

  constructor (
    private readonly builder: ChainBuilder, readonly block: Block, readonly id: Uint8Array, readonly txs: Transaction[],
    readonly parent: Node | undefined, readonly delta: Change[], kept?: MemoryState
  ) { this.kept = kept }

  get state (): MemoryState { return this.builder.stateOf(this) }
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
  private readonly nodes = new Map<string, Node>()
  readonly genesis: Genesis
  readonly root: Built
  private counter = 0
  /** The builder's one writable state: the state after `at`, not handed out. */
  private cursor: { at: Node, state: MemoryState } | undefined

  constructor (readonly net: TestNet) {
    this.genesis = net.genesis
    const root = new Node(this, net.genesis.block, net.genesis.blockId, [], undefined, [], genesisState(net.genesis))
    this.root = root
    this.nodes.set(toHex(root.id), root)
  }

  /** `b.state`: the kept state, or the cursor's (handed over: the builder stops writing it), or a new one, kept. */
  stateOf (b: Built): MemoryState {
    const node = this.node(b)
    if (node.kept !== undefined) return node.kept
    if (this.cursor?.at === node) {
      node.kept = this.cursor.state
      this.cursor = undefined
    } else {
      node.kept = this.materialize(node)
    }
    return node.kept
  }

  /**
   * Drops the full state kept on `b` (not the root's), to bound memory when a caller read many
   * states; `b.state` makes it again when read. Returns how many states were dropped (0 or 1).
   */
  release (b: Built): number {
    const node = this.node(b)
    if (node === this.root || node.kept === undefined) return 0
    node.kept = undefined
    return 1
  }

  /** How many full states the builder holds (kept ones, the root's included, and the cursor's): memory is about this × accounts. */
  keptStates (): number {
    let n = this.cursor !== undefined ? 1 : 0
    for (const x of this.nodes.values()) if (x.kept !== undefined) n++
    return n
  }

  /** This builder's block with `b`'s id (`b` may come from another builder on the same net, e.g. its root). */
  private node (b: Built): Node {
    const node = this.nodes.get(toHex(b.id))
    if (node === undefined) throw new Error(`builder has no block ${toHex(b.id)}`)
    return node
  }

  /** A new state for `node`: a copy of the nearest kept state (or the cursor's) above it, plus the deltas below that. */
  private materialize (node: Node): MemoryState {
    const below: Node[] = []
    let cur = node
    while (cur.kept === undefined && this.cursor?.at !== cur) {
      below.push(cur)
      if (cur.parent === undefined) throw new Error('builder: no kept state above a block') // the root keeps one
      cur = cur.parent
    }
    const state = (cur.kept ?? this.cursor!.state).clone()
    for (let i = below.length - 1; i >= 0; i--) for (const c of below[i].delta) state.set(c.key, c.account)
    return state
  }

  /**
   * The state after `node` for reading now (before the builder builds again): the cursor's when it
   * is there, the kept one, or a new one made the cursor. Moving the cursor down to a descendant
   * reuses its state; otherwise the old cursor's state is kept on its block (no copy).
   */
  private view (node: Node): MemoryState {
    if (this.cursor?.at === node) return this.cursor.state
    if (node.kept !== undefined) return node.kept
    return this.writable(node)
  }

  /** Makes the cursor sit at `node` and returns its state, which the builder may then write. */
  private writable (node: Node): MemoryState {
    if (this.cursor?.at === node) return this.cursor.state
    const below: Node[] = []
    const from = this.cursor?.at.block.n ?? Infinity
    for (let cur: Node | undefined = node; cur !== undefined && cur.block.n > from; cur = cur.parent) below.push(cur)
    if (this.cursor !== undefined && below.length > 0 && below[below.length - 1].parent === this.cursor.at) {
      const state = this.cursor.state // the cursor is an ancestor: walk it down
      for (let i = below.length - 1; i >= 0; i--) for (const c of below[i].delta) state.set(c.key, c.account)
      this.cursor = { at: node, state }
      return state
    }
    if (this.cursor !== undefined && this.cursor.at.kept === undefined) this.cursor.at.kept = this.cursor.state
    this.cursor = undefined
    const state = this.materialize(node)
    this.cursor = { at: node, state }
    return state
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
    return this.contextOn(parent, parent.state, now)
  }

  private contextOn (parent: Built, parentState: MemoryState, now = TEST_NOW): BlockContext {
    const M = this.genesis.config.mutableRange
    return {
      genesis: this.genesis, parent: parent.block,
      ancestor3: parent.block.n >= 3 ? this.ancestorAt(parent, parent.block.n - 3).block : undefined,
      checkpointId: this.ancestorAt(parent, checkpointHeight(parent.block.n + 1, M)).id,
      parentState, now
    }
  }

  child (parent: Built, o: ChildOptions = {}): Built {
    const p = this.node(parent)
    const txs = typeof o.txs === 'number' ? this.transfers(p, o.txs) : (o.txs ?? [])
    const state = this.writable(p) // read-only until the block is built
    const ctx = this.contextOn(p, state)
    let key = this.net.keys[o.miner ?? 0]
    let t = o.t ?? p.block.t + Number(potParams(this.genesis.config.blockTime).MAX_BT)
    if (o.speed === 'fast' && o.t === undefined) {
      for (const k of this.net.keys) {
        const when = earliestTimeFor(ctx, k.publicKey)
        if (when < t) { t = when; key = k }
      }
    }
    const built = buildBlock(key, ctx, t, txs)
    if (built.txs.length !== txs.length) throw new Error(`builder: ${txs.length - built.txs.length} transactions did not apply`)
    const delta: Change[] = [...built.transition.overlay.changes.values()].map(c => ({ key: c.key, account: { ...c.account } }))
    for (const c of delta) state.set(c.key, c.account)
    const node = new Node(this, built.block, built.id, built.txs, p, delta)
    this.nodes.set(toHex(node.id), node)
    this.cursor = { at: node, state } // p's state is gone from the cursor; p.state makes it again
    return node
  }

  /**
   * A correctly signed, eligible child whose one transaction does not apply (its nonce is too high):
   * the header is valid, the block is not. Registered, so children can be built on it.
   */
  badChild (parent: Built, o: { miner?: number } = {}): Built {
    const p = this.node(parent)
    const ctx = this.contextOn(p, this.view(p))
    const key = this.net.keys[o.miner ?? 0]
    const s = this.net.keys[1]
    const bad = createNote(s.secretKey, s.publicKey, {
      chainId: this.genesis.chainId, fee: this.genesis.config.minFee,
      nonce: (ctx.parentState.getAccount(s.publicKey)?.nonce ?? 0) + 5, timestamp: parent.block.t
    })
    const { b, g, d } = deriveChildFields(ctx, key.publicKey)
    const block = signBlock({
      v: 1, c: this.genesis.chainId, n: parent.block.n + 1, p: parent.id,
      t: parent.block.t + Number(potParams(this.genesis.config.blockTime).MAX_BT), b, d, g,
      m: key.publicKey, i: ctx.checkpointId, x: [txId(bad)]
    }, key.secretKey)
    const node = new Node(this, block, blockId(block), [bad], p, []) // no change: the parent's state
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
    const state = this.view(this.node(parent))
    const nonces = this.net.keys.map(k => state.getAccount(k.publicKey)?.nonce ?? 0)
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
      nonce: (this.view(this.node(parent)).getAccount(k.publicKey)?.nonce ?? 0) + 1, timestamp: parent.block.t
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
