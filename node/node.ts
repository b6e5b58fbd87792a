// The node: builds its parts in dependency order (lock → genesis → key → chain → pool → DHT →
// channels → pipelines → HTTP) under one AbortController, and stops them in reverse.
import { setMaxListeners } from 'node:events'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Server } from 'node:http'
import type { KeyPair } from '../chain/crypto.js'
import { type Block, blockId } from '../chain/block.js'
import { Chain, type ReorgEvent, type TipInfo, type VoteResult } from '../chain/chain.js'
import { loadGenesisFile } from '../chain/genesis.js'
import { bytesEqual, fromHex, toHex } from '../chain/hex.js'
import { TxPool } from '../chain/pool/pool.js'
import { isTipStale } from '../chain/voting/vote.js'
import { encodeTx, type Transaction } from '../chain/tx.js'
import { encodeMessage } from '../chain/message.js'
import { Channels, DhtEngine, Getter, Putter, SeqClock } from '../dht/index.js'
import type { NodeConfig } from './config.js'
import { MAX_ABORT_LISTENERS } from './constants.js'
import { type NodeContext, NodeEvents, type NodeState } from './context.js'
import { DemandSet } from './demand.js'
import { Fetcher } from './fetch.js'
import { loadNodeKey } from './key.js'
import { acquireLock } from './lock.js'
import type { Logger } from './logger.js'
import { PeerSet } from './peers.js'
import { Publisher } from './publisher.js'
import { ChannelReaders } from './readers.js'
import { SignalRouter } from './router.js'
import { DemandResponder } from './pipelines/demand.js'
import type { Pipeline } from './pipelines/pipeline.js'
import { MiningPipeline } from './pipelines/mining.js'
import { PoolPipeline } from './pipelines/pool.js'
import { SyncPipeline } from './pipelines/sync.js'
import { VotingPipeline } from './pipelines/voting.js'
import { MessagesPipeline } from './pipelines/messages.js'
import { followTrustedCheckpoint } from './pipelines/trustedCheckpoint.js'
import { startApi } from './api/server.js'
import { ensureAdminToken } from './api/token.js'

export class TauNode {
  private readonly closers: Array<() => Promise<void> | void> = []
  private readonly abort = new AbortController()
  private stopping?: Promise<void>
  ctx!: NodeContext
  mining!: MiningPipeline
  poolPipeline!: PoolPipeline
  voting!: VotingPipeline
  sync!: SyncPipeline
  messages!: MessagesPipeline
  readers!: ChannelReaders
  http?: Server
  adminToken = ''

  private constructor (readonly cfg: NodeConfig, readonly log: Logger) {}

  /** `opts.key`: an already unlocked key (an encrypted key file, node/key.ts unlockNodeKey). */
  static async start (cfg: NodeConfig, log: Logger, opts: { key?: KeyPair } = {}): Promise<TauNode> {
    const node = new TauNode(cfg, log)
    try {
      await node.build(opts.key)
    } catch (e) {
      // A start that failed releases what it opened but logs no "node stopped": it never ran.
      await node.stop(false)
      throw e
    }
    return node
  }

  private async build (unlockedKey?: KeyPair): Promise<void> {
    const { cfg, log } = this
    mkdirSync(cfg.dataDir, { recursive: true })
    this.closers.push(acquireLock(cfg.dataDir))
    const genesis = loadGenesisFile(cfg.genesis)
    const key = loadNodeKey(cfg, log, unlockedKey)
    const chain = await Chain.open(join(cfg.dataDir, 'chain'), genesis, { store: { reindex: cfg.reindex, onMigrate: (what, detail) => { log.info(what, detail) } } })
    this.closers.push(() => chain.close())
    // What the store's open found or repaired (lost blocks, LevelDB repair, digest migration): docs/store.md.
    for (const note of chain.openNotes) log.warn('store', { note })
    const nowS = (): number => Math.floor(Date.now() / 1000)
    const pool = new TxPool({ rules: { chainId: genesis.chainId, minFee: genesis.config.minFee }, getState: () => chain.state, now: nowS })

    const dhtDir = join(cfg.dataDir, 'dht')
    mkdirSync(dhtDir, { recursive: true })
    const engine = new DhtEngine({ keyPair: key, host: cfg.dhtHost, port: cfg.dhtPort, bootstrap: cfg.bootstrap, dataDir: dhtDir })
    const endpoint = await engine.start()
    this.closers.push(() => engine.stop())
    const getter = new Getter(engine)
    const putter = new Putter(engine)
    const channels = new Channels({ engine, getter, putter, seq: new SeqClock(dhtDir), chainId: genesis.chainId, blockTimeS: genesis.config.blockTime })
    // Direct gets for what we hold are answered from the store (PROTOCOL §9).
    engine.setLookup(target => {
      const stored = chain.itemBytes(target)
      if (stored !== undefined) return stored
      const t = pool.get(target)
      if (t !== undefined) return encodeTx(t)
      const m = chain.messages.get(target)
      return m !== undefined ? encodeMessage(m) : undefined
    })

    const router = new SignalRouter()
    this.closers.push(() => router.close())
    const peers = new PeerSet(key.publicKey)
    for (const a of genesis.config.accounts) peers.add(a.pubkey, 'genesis')
    const demand = new DemandSet()
    const state: NodeState = {
      syncing: false, ready: false, miningEnabled: false, nextEligibleTime: null, minedBlocks: 0,
      importedBlocks: 0, reorgs: 0, votingRounds: 0, voteRounds: [], startedAtMs: Date.now()
    }
    const signal = this.abort.signal
    setMaxListeners(MAX_ABORT_LISTENERS, signal)
    const fetcher = new Fetcher({ chain, getter, peers, demand, router, log: log.child({ module: 'fetch' }), signal })
    const ctx: NodeContext = {
      cfg, log, genesis, key, chain, pool, engine, getter, putter, channels, router, peers, demand, fetcher,
      events: new NodeEvents(), state, signal, nowS
    }
    this.ctx = ctx
    log.info('node starting', {
      publicKey: toHex(key.publicKey), chainId: toHex(genesis.chainId), height: chain.tip().n,
      tip: toHex(chain.tip().id), dht: `${endpoint.host}:${endpoint.port}`, dataDir: cfg.dataDir
    })

    const publisher = new Publisher(ctx)
    this.poolPipeline = new PoolPipeline(ctx, () => publisher.scheduleTxTip())
    this.mining = new MiningPipeline(ctx, { onMined: ({ block, txs }) => publisher.putOwnBlock(block, txs) })
    this.sync = new SyncPipeline(ctx, { onNeedsVote: () => { void this.voting.run('voting-range-fork') } })
    this.voting = new VotingPipeline(ctx, this.sync)
    this.messages = new MessagesPipeline(ctx)
    this.readers = new ChannelReaders(ctx, ['blkTip', 'txTip', 'demand', 'msgTip'], hex => this.messages.reader.announcedMs(hex))
    this.wireChainEvents(ctx, publisher)

    // One shape (pipelines/pipeline.ts): each start() returns its stop, called in reverse order.
    // Consumers subscribe before the readers start producing signals.
    const parts: Pipeline[] = [this.sync, this.poolPipeline, new DemandResponder(ctx), this.messages, this.readers, publisher, this.voting, this.mining]
    for (const part of parts) this.closers.push(part.start())

    this.adminToken = ensureAdminToken(cfg.dataDir)
    this.http = await startApi(this, cfg.apiHost, cfg.apiPort, log.child({ module: 'api' }), { public: cfg.apiPublic, web: { ui: cfg.ui, cors: cfg.apiCors } })
    this.closers.push(() => new Promise<void>(resolve => {
      this.http?.close(() => resolve())
      this.http?.closeAllConnections()
    }))

    if (cfg.mine) this.mining.enable()
    if (cfg.checkpoint !== undefined) void this.trustCheckpoint(fromHex(cfg.checkpoint, 32, 'checkpoint'))
    void this.startupVote()
  }

  /** The operator's trusted checkpoint (--checkpoint, POST /admin/checkpoint); see trustedCheckpoint.ts. */
  trustCheckpoint (id: Uint8Array): Promise<VoteResult | undefined> {
    return followTrustedCheckpoint(this.ctx, this.sync, id).catch((e: unknown) => {
      this.ctx.log.error('trusted checkpoint failed', { err: (e as Error).message })
      return undefined
    })
  }

  /** PROTOCOL §6: a node whose chain is empty or stale votes before it mines. */
  private async startupVote (): Promise<void> {
    const { ctx } = this
    const tip = ctx.chain.tip()
    const stale = isTipStale(tip.block.t, ctx.nowS(), ctx.genesis)
    try {
      if (tip.n === 0 || stale) await this.voting.run(tip.n === 0 ? 'empty-chain' : 'stale-tip')
    } catch (e) {
      ctx.log.error('start-up voting round failed', { err: (e as Error).message })
    } finally {
      ctx.state.ready = true
      ctx.log.info('node ready', { height: ctx.chain.tip().n, mining: ctx.state.miningEnabled })
      this.mining.schedule()
    }
  }

  private wireChainEvents (ctx: NodeContext, publisher: Publisher): void {
    let lastTip: TipInfo = ctx.chain.tip()
    let reorgAdded: Block[] | undefined
    ctx.chain.on('reorg', (ev: ReorgEvent) => {
      reorgAdded = ev.added
      ctx.state.reorgs++
      ctx.log.info('reorg', { depth: ev.depth, from: toHex(ev.oldTip.id), to: toHex(ev.newTip.id), height: ev.newTip.n, returnedTxs: ev.returnedTxs.length })
      ctx.events.emit('reorg', { depth: ev.depth, oldTip: ev.oldTip.id, newTip: ev.newTip.id, height: ev.newTip.n })
      this.poolPipeline.onReorg(ev.returnedTxs)
    })
    ctx.chain.on('tip', (tip: TipInfo) => {
      const added = reorgAdded ?? this.blocksSince(lastTip, tip)
      reorgAdded = undefined
      lastTip = tip
      const mined: Transaction[] = []
      for (const block of added) {
        const id = blockId(block)
        const own = bytesEqual(block.m, ctx.key.publicKey)
        if (!own) {
          ctx.state.importedBlocks++
          ctx.log.info('imported block', { height: block.n, id: toHex(id), parent: toHex(block.p), t: block.t, txs: block.x.length, miner: toHex(block.m).slice(0, 16) })
        }
        ctx.peers.add(block.m, 'miner')
        for (const tx of ctx.chain.blockTxs(block)) {
          mined.push(tx)
          ctx.peers.add(tx.f, 'tx')
          if (tx.o !== undefined) ctx.peers.add(tx.o, 'tx')
        }
        ctx.events.emit('block', { block, id, mined: own })
      }
      this.poolPipeline.onTip(mined)
      publisher.publishTip()
      this.mining.schedule()
    })
    ctx.chain.on('warning', w => {
      // Once per fork (chain/chain/warnings.ts); the message names what the operator can do.
      ctx.log.warn(w.message, { reason: w.reason, depth: w.depth, candidate: toHex(w.candidateId), height: w.candidateHeight, forkHeight: w.forkHeight })
      ctx.events.emit('warning', { message: w.message, data: { depth: w.depth, reason: w.reason } })
    })
  }

  /** Main-chain blocks from just after `from` up to `to` (an extension), lowest first. */
  private blocksSince (from: TipInfo, to: TipInfo): Block[] {
    const out: Block[] = []
    let b: Block | undefined = to.block
    for (let i = 0; b !== undefined && b.n > from.n && i < to.n - from.n + 1; i++) {
      out.push(b)
      b = this.ctx.chain.getBlock(b.p)
    }
    return out.reverse()
  }

  /** Stops mining, finishes the current commit, closes the DHT and the store. Idempotent. */
  stop (logStopped = true): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort()
      for (const close of this.closers.reverse()) {
        try {
          await close()
        } catch (e) {
          this.log.error('error while stopping', { err: (e as Error).message })
        }
      }
      if (logStopped) this.log.info('node stopped')
    })()
    return this.stopping
  }
}
