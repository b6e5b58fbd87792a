// The deterministic multi-miner simulation: nodes with their own chain and pool, a virtual clock,
// and an in-memory exchange that delivers blocks and transactions after seeded random delays.
// Every choice (delays, fees, receivers) comes from one seeded rng, so a seed replays exactly.
import type { Block } from '../../chain/block.js'
import { blockId } from '../../chain/block.js'
import type { KeyPair } from '../../chain/crypto.js'
import type { Genesis } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { type Transaction, createTransfer } from '../../chain/tx.js'
import type { StateView } from '../../chain/state/account.js'
import type { BlockContext } from '../../chain/consensus/validateBlock.js'
import { earliestTimeFor, mineBlock, plannedTimeFor } from '../../chain/miner.js'
import { TxPool } from '../../chain/pool/pool.js'
import { seededRng } from '../../chain/voting/rng.js'
import { SimClock } from './simClock.js'

export interface ImportOutcome {
  /** connected: the block is (now) on the main chain; side: stored off the main chain. */
  status: 'connected' | 'side' | 'known' | 'pending' | 'invalid'
  /** Main-chain blocks rolled back by this import (0 for a plain extension). */
  depth: number
  /** Transactions of rolled-back blocks, in chain order, and of newly connected blocks. */
  disconnected: Transaction[]
  connected: Transaction[]
  error?: string
}

/** What a simulated node needs from its chain: the real Chain or the in-memory stand-in. */
export interface SimChain {
  tip (): Block
  tipState (): StateView
  mainBlockAt (n: number): Block | undefined
  /** Context for a child of the tip. */
  context (now: number): BlockContext
  importBlock (block: Block, txs: Transaction[], now: number): Promise<ImportOutcome>
  close (): Promise<void>
}

export interface SimConfig {
  genesis: Genesis
  miners: KeyPair[]
  /** Genesis accounts that send transfers (round-robin), one every txIntervalMs (0: none). */
  wallets: KeyPair[]
  txIntervalMs: number
  seed: string
  targetHeight: number
  maxDelayMs: number
  /** A fresh chain for node `index`; `now` is the virtual clock in unix seconds. */
  makeChain: (index: number, now: () => number) => Promise<SimChain>
  /** 'planned' (default): plannedTimeFor; 'earliest': everyone mines at its earliest time. */
  policy?: 'planned' | 'earliest'
  /** Blocks allowed after the target to settle a tie at the very end. */
  maxExtraBlocks?: number
  maxEvents?: number
}

export interface Reorg { node: number, depth: number, height: number }

export interface SimReport {
  tips: string[]
  height: number
  meanIntervalS: number
  reorgs: Reorg[]
  invalid: string[]
  minedBy: number[]
  txsInChain: number
  txsSent: number
  events: number
}

interface SimNode {
  index: number
  key: KeyPair
  chain: SimChain
  pool: TxPool
  /** Cancels a scheduled mining attempt when the tip moves. */
  version: number
  orphans: Map<string, Array<{ block: Block, txs: Transaction[] }>>
}

export async function runSimulation (cfg: SimConfig): Promise<SimReport> {
  const { genesis } = cfg
  const clock = new SimClock(genesis.config.timestamp * 1000)
  const rng = seededRng(cfg.seed)
  const rand = (n: number): number => Number(rng(BigInt(n)))
  const reorgs: Reorg[] = []
  const invalid: string[] = []
  let inFlight = 0
  let finishing = false
  let txsSent = 0

  const nodes: SimNode[] = []
  for (let i = 0; i < cfg.miners.length; i++) {
    const chain = await cfg.makeChain(i, () => clock.nowS)
    const pool = new TxPool({ rules: { chainId: genesis.chainId, minFee: genesis.config.minFee }, getState: () => chain.tipState(), now: () => clock.nowS })
    nodes.push({ index: i, key: cfg.miners[i], chain, pool, version: 0, orphans: new Map() })
  }

  const send = (from: number | undefined, fn: (to: SimNode) => Promise<void> | void): void => {
    for (const to of nodes) {
      if (to.index === from) continue
      inFlight++
      clock.schedule(clock.nowMs + rand(cfg.maxDelayMs + 1), async () => { inFlight--; await fn(to) })
    }
  }

  const scheduleMining = (node: SimNode): void => {
    const v = ++node.version
    if (finishing) return
    const when = cfg.policy === 'earliest' ? earliestTimeFor : plannedTimeFor
    const t = Math.max(when(node.chain.context(0), node.key.publicKey), Math.ceil(clock.nowMs / 1000))
    clock.schedule(t * 1000, async () => { if (node.version === v) await mine(node, t) })
  }

  const onImported = (node: SimNode, block: Block, out: ImportOutcome): void => {
    if (out.status === 'invalid' || out.error !== undefined) invalid.push(`node ${node.index}: block ${block.n}: ${out.error ?? '?'}`)
    if (out.status !== 'connected') return
    if (out.depth > 0) reorgs.push({ node: node.index, depth: out.depth, height: block.n })
    node.pool.removeMined(out.connected)
    node.pool.readmit(out.disconnected)
    node.pool.revalidate()
    if (block.n >= cfg.targetHeight && !finishing) {
      finishing = true
      for (const n of nodes) n.version++
    }
    scheduleMining(node)
  }

  const importInto = async (node: SimNode, block: Block, txs: Transaction[]): Promise<void> => {
    const out = await node.chain.importBlock(block, txs, clock.nowS)
    if (out.status === 'pending') {
      const waiting = node.orphans.get(toHex(block.p)) ?? []
      waiting.push({ block, txs })
      node.orphans.set(toHex(block.p), waiting)
      return
    }
    onImported(node, block, out)
    const id = toHex(blockId(block))
    const children = node.orphans.get(id)
    node.orphans.delete(id)
    for (const c of children ?? []) await importInto(node, c.block, c.txs)
  }

  const mine = async (node: SimNode, t: number): Promise<void> => {
    const built = mineBlock(node.key, node.chain.context(t), t, node.pool)
    await importInto(node, built.block, built.txs)
    send(node.index, to => importInto(to, built.block, built.txs))
  }

  const nonces = cfg.wallets.map(() => 0)
  const sendTx = (): void => {
    if (finishing || cfg.txIntervalMs <= 0 || cfg.wallets.length === 0) return
    const w = txsSent % cfg.wallets.length
    const wallet = cfg.wallets[w]
    const tx = createTransfer(wallet.secretKey, wallet.publicKey, {
      chainId: genesis.chainId, to: cfg.miners[rand(cfg.miners.length)].publicKey, amount: 1 + rand(100), fee: genesis.config.minFee + rand(5),
      nonce: ++nonces[w], timestamp: clock.nowS
    })
    txsSent++
    send(undefined, to => { to.pool.tryAdd(tx) })
    clock.schedule(clock.nowMs + cfg.txIntervalMs, sendTx)
  }

  for (const n of nodes) scheduleMining(n)
  clock.schedule(clock.nowMs + cfg.txIntervalMs, sendTx)

  // After the target: let the network go quiet, and while tips differ let the earliest miner add
  // one block at a time (a tie in difficulty keeps each node's tip, so only a new block settles it).
  let events = 0
  let extra = 0
  let finishMine = false
  const tipsOf = (): string[] => nodes.map(n => toHex(blockId(n.chain.tip())))
  for (;;) {
    if (finishing && inFlight === 0 && !finishMine) {
      if (new Set(tipsOf()).size === 1 || extra >= (cfg.maxExtraBlocks ?? 20)) break
      let best = nodes[0]; let bestT = Infinity
      for (const n of nodes) {
        const t = earliestTimeFor(n.chain.context(0), n.key.publicKey)
        if (t < bestT) { best = n; bestT = t }
      }
      finishMine = true
      extra++
      clock.schedule(Math.max(bestT * 1000, clock.nowMs), async () => { await mine(best, Math.max(bestT, Math.ceil(clock.nowMs / 1000))); finishMine = false })
    }
    if (!(await clock.step())) break
    if (++events > (cfg.maxEvents ?? 1_000_000)) throw new Error('simulation: event limit reached')
  }

  const tip = nodes[0].chain.tip()
  const minedBy = cfg.miners.map(() => 0)
  let txsInChain = 0
  for (let n = 1; n <= tip.n; n++) {
    const b = nodes[0].chain.mainBlockAt(n)!
    const k = cfg.miners.findIndex(m => toHex(m.publicKey) === toHex(b.m))
    if (k >= 0) minedBy[k]++
    txsInChain += b.x.length
  }
  const tips = tipsOf()
  for (const n of nodes) await n.chain.close()
  return {
    tips, height: tip.n, meanIntervalS: (tip.t - genesis.config.timestamp) / tip.n,
    reorgs, invalid, minedBy, txsInChain, txsSent, events
  }
}
