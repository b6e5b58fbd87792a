// The node: builds its parts in dependency order (lock → genesis → key → chain → pool → DHT →
// channels → pipelines → HTTP) under one AbortController, and stops them in reverse. buildParts
// makes everything before the API; TauNode holds the built parts (no field is set later but the
// API's server) and runs the start-up vote and the operator's checkpoint.
import { setMaxListeners } from 'node:events'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Server } from 'node:http'
import type { KeyPair } from '../chain/crypto.js'
import { secp256k1Backend } from '../chain/secp256k1.mjs'
import { Chain, type VoteResult } from '../chain/chain.js'
import { loadGenesisFile } from '../chain/genesis.js'
import { fromHex, toHex } from '../chain/hex.js'
import { TxPool } from '../chain/pool/pool.js'
import { isTipStale } from '../chain/voting/vote.js'
import { encodeTx } from '../chain/tx.js'
import { encodeMessage } from '../chain/message.js'
import { Channels, DhtEngine, Getter, Putter, SeqClock } from '../dht/index.js'
import type { NodeConfig } from './config.js'
import { IDLE_RELEASE_MIN_GAP_MINING_MS, IDLE_RELEASE_MIN_GAP_MS, MAX_ABORT_LISTENERS, RELEASE_AFTER_READY_MS, VOTE_NEW_NODE_MAX_ROUNDS, VOTE_NEW_NODE_RETRY_MS } from './constants.js'
import { setTimeout as delay } from 'node:timers/promises'
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
import type { Pipeline, Stop } from './pipelines/pipeline.js'
import { ChainEventsPipeline } from './pipelines/chainEvents.js'
import type { ApiNode } from './api/deps.js'
import { MiningPipeline } from './pipelines/mining.js'
import { PoolPipeline } from './pipelines/pool.js'
import { SyncPipeline } from './pipelines/sync.js'
import { VotingPipeline } from './pipelines/voting.js'
import { MessagesPipeline } from './pipelines/messages.js'
import { followTrustedCheckpoint } from './pipelines/trustedCheckpoint.js'
import { startApi } from './api/server.js'
import { linkOptionsOf } from './linkOptions.js'
import { resolveBootstrap, resolveDhtHost } from './ops/netResolve.js'
import { BootstrapRefresher } from './ops/bootstrapRefresh.js'
import { ensureAdminToken } from './api/token.js'
import { allocator, v8PoolSize } from './native.js'
import { keepMemoryFlat, releaseMemory } from './memory.js'

/** What buildParts makes: the context and the parts the API and TauNode's own methods call. */
interface NodeParts {
  ctx: NodeContext
  mining: MiningPipeline
  poolPipeline: PoolPipeline
  voting: VotingPipeline
  sync: SyncPipeline
  messages: MessagesPipeline
  readers: ChannelReaders
  adminToken: string
}

export class TauNode implements ApiNode {
  readonly ctx: NodeContext
  readonly mining: MiningPipeline
  readonly poolPipeline: PoolPipeline
  readonly voting: VotingPipeline
  readonly sync: SyncPipeline
  readonly messages: MessagesPipeline
  readonly readers: ChannelReaders
  readonly adminToken: string
  /** The API's server, once it listens (the last part started). */
  http?: Server
  private stopping?: Promise<void>

  private constructor (readonly cfg: NodeConfig, readonly log: Logger, parts: NodeParts,
    private readonly closers: Stop[], private readonly abort: AbortController) {
    this.ctx = parts.ctx
    this.mining = parts.mining
    this.poolPipeline = parts.poolPipeline
    this.voting = parts.voting
    this.sync = parts.sync
    this.messages = parts.messages
    this.readers = parts.readers
    this.adminToken = parts.adminToken
  }

  /** `opts.key`: an already unlocked key (an encrypted key file, node/key.ts unlockNodeKey). */
  static async start (cfg: NodeConfig, log: Logger, opts: { key?: KeyPair } = {}): Promise<TauNode> {
    const closers: Stop[] = []
    const abort = new AbortController()
    try {
      const node = new TauNode(cfg, log, await buildParts(cfg, log, closers, abort.signal, opts.key), closers, abort)
      await node.listen()
      if (cfg.mine) node.mining.enable()
      if (cfg.checkpoint !== undefined) void node.trustCheckpoint(fromHex(cfg.checkpoint, 32, 'checkpoint'))
      void node.startupVote()
      return node
    } catch (e) {
      // A start that failed releases what it opened but logs no "node stopped": it never ran.
      await stopAll(closers, abort, log)
      throw e
    }
  }

  private async listen (): Promise<void> {
    const { cfg, log } = this
    const http = this.http = await startApi(this, cfg.apiHost, cfg.apiPort, log.child({ module: 'api' }), { public: cfg.apiPublic, web: { ui: cfg.ui, cors: cfg.apiCors } })
    this.closers.push(() => new Promise<void>(resolve => {
      http.close(() => resolve())
      http.closeAllConnections()
    }))
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
    if (tip.n === 0) ctx.chain.startAsNewNode()
    try {
      if (tip.n === 0 || stale) await this.voting.run(tip.n === 0 ? 'empty-chain' : 'stale-tip')
    } catch (e) {
      ctx.log.error('start-up voting round failed', { err: (e as Error).message })
    } finally {
      ctx.state.ready = true
      ctx.log.info('node ready', { height: ctx.chain.tip().n, mining: ctx.state.miningEnabled })
      this.mining.schedule()
      // What starting left is given back once the node settled (node/memory.ts; not while it syncs),
      // and from then on whenever its heap grows between syncs (keepMemoryFlat).
      const release = setTimeout(() => {
        if (ctx.signal.aborted) return
        releaseMemory(ctx.log, { after: 'start-up', dropCaches: () => ctx.chain.dropCaches(), busy: () => ctx.state.syncing })
        keepMemoryFlat(ctx.log, { busy: () => ctx.state.syncing, signal: ctx.signal, minGapMs: () => ctx.state.miningEnabled ? IDLE_RELEASE_MIN_GAP_MINING_MS : IDLE_RELEASE_MIN_GAP_MS })
      }, RELEASE_AFTER_READY_MS).unref()
      ctx.signal.addEventListener('abort', () => { clearTimeout(release) }, { once: true })
    }
    if (ctx.chain.isNewNode()) void this.voteUntilDecided()
  }

  /**
   * A new node whose first round did not decide (no quorum answered) votes again, a bounded number
   * of times; until one decides, what it synced is not protected by the warning range, so a junk
   * branch taken first cannot lock it out of the network's chain (docs/protocol-notes.md §11).
   */
  private async voteUntilDecided (): Promise<void> {
    const { ctx } = this
    for (let k = 1; k < VOTE_NEW_NODE_MAX_ROUNDS && ctx.chain.isNewNode(); k++) {
      try {
        await delay(VOTE_NEW_NODE_RETRY_MS, undefined, { signal: ctx.signal })
        await this.voting.run('empty-chain')
      } catch {
        return // stopping
      }
    }
    if (ctx.chain.isNewNode()) {
      ctx.chain.settleNewNode()
      ctx.log.warn('no voting round reached a quorum since start: the ranges now protect the chain this node holds', { rounds: VOTE_NEW_NODE_MAX_ROUNDS, height: ctx.chain.tip().n })
    }
  }

  /** Stops mining, finishes the current commit, closes the DHT and the store. Idempotent. */
  stop (logStopped = true): Promise<void> {
    this.stopping ??= stopAll(this.closers, this.abort, this.log).then(() => { if (logStopped) this.log.info('node stopped') })
    return this.stopping
  }
}

/** Aborts every loop and fetch, then runs the closers in reverse order of opening. */
async function stopAll (closers: Stop[], abort: AbortController, log: Logger): Promise<void> {
  abort.abort()
  for (const close of closers.splice(0).reverse()) {
    try {
      await close()
    } catch (e) {
      log.error('error while stopping', { err: (e as Error).message })
    }
  }
}

/** Opens and starts everything before the API, pushing each part's closer onto `closers`. */
async function buildParts (cfg: NodeConfig, log: Logger, closers: Stop[], signal: AbortSignal, unlockedKey?: KeyPair): Promise<NodeParts> {
  mkdirSync(cfg.dataDir, { recursive: true })
  closers.push(acquireLock(cfg.dataDir))
  const genesis = loadGenesisFile(cfg.genesis)
  const key = loadNodeKey(cfg, log, unlockedKey)
  const chain = await Chain.open(join(cfg.dataDir, 'chain'), genesis, { store: { reindex: cfg.reindex, onMigrate: (what, detail) => { log.info(what, detail) } } })
  closers.push(() => chain.close())
  // What the store's open found or repaired (lost blocks, LevelDB repair, digest migration): docs/store.md.
  for (const note of chain.openNotes) log.warn('store', { note })
  const nowS = (): number => Math.floor(Date.now() / 1000)
  const pool = new TxPool({ rules: { chainId: genesis.chainId, minFee: genesis.config.minFee }, getState: () => chain.state, now: nowS })

  const dhtDir = join(cfg.dataDir, 'dht')
  mkdirSync(dhtDir, { recursive: true })
  const link = linkOptionsOf(cfg)
  const bootstrap = await resolveBootstrap(cfg.bootstrap, { onRetry: (host, attempt, error) => { log.warn('bootstrap host not resolved yet', { host, attempt, error }) } })
  // The DHT speaks IPv4 only (BEP5 compact nodes): '::' means every address, bound as 0.0.0.0.
  const engine = new DhtEngine({ keyPair: key, host: resolveDhtHost(cfg.dhtHost === '::' ? '0.0.0.0' : cfg.dhtHost), port: cfg.dhtPort, bootstrap, dataDir: dhtDir, link })
  const endpoint = await engine.start()
  closers.push(() => engine.stop())
  const refresher = new BootstrapRefresher(cfg.bootstrap, engine, log)
  refresher.start()
  closers.push(() => { refresher.stop() })
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
  closers.push(() => router.close())
  const peers = new PeerSet(key.publicKey)
  for (const a of genesis.config.accounts) peers.add(a.pubkey, 'genesis')
  const demand = new DemandSet(Date.now, (kind, id) => kind === 'b'
    ? chain.hasBlock(id)
    : kind === 'x' ? chain.getTx(id) !== undefined || pool.has(id) : chain.messages.has(id))
  const state: NodeState = {
    syncing: false, ready: false, miningEnabled: false, nextEligibleTime: null, minedBlocks: 0,
    importedBlocks: 0, reorgs: 0, votingRounds: 0, voteRounds: [], startedAtMs: Date.now()
  }
  setMaxListeners(MAX_ABORT_LISTENERS, signal)
  const fetcher = new Fetcher({ chain, getter, peers, demand, router, log: log.child({ module: 'fetch' }), signal })
  const ctx: NodeContext = {
    cfg, log, genesis, key, chain, pool, engine, getter, putter, channels, router, peers, demand, fetcher,
    events: new NodeEvents(), state, signal, nowS
  }
  const secp = secp256k1Backend()
  log.info('node starting', {
    publicKey: toHex(key.publicKey), chainId: toHex(genesis.chainId), height: chain.tip().n,
    tip: toHex(chain.tip().id), dht: `${endpoint.host}:${endpoint.port}`, dataDir: cfg.dataDir,
    // jemalloc keeps RSS flatter after long syncs (docs/operations.md, Memory); 'libc' says it is not preloaded.
    allocator: allocator(),
    // libsecp256k1 checks signatures 4–9x faster than the WASM fallback (docs/operations.md, Signatures).
    secp256k1: secp.name,
    // One V8 helper thread holds less memory (docs/operations.md, Memory); null: Node's default (4).
    v8PoolSize: v8PoolSize()
  })
  if (secp.name === 'wasm') log.info('signatures checked by the WASM build of libsecp256k1', { why: secp.why })

  const publisher = new Publisher(ctx)
  const poolPipeline = new PoolPipeline(ctx, () => publisher.scheduleTxTip())
  // Sync asks for a vote (a fork in the voting range) only once started, after voting is built.
  let voting: VotingPipeline | undefined
  let mining: MiningPipeline | undefined
  const sync = new SyncPipeline(ctx, {
    onNeedsVote: () => { void voting?.run('voting-range-fork') },
    takenByMining: id => mining?.candidates.has(id) === true
  })
  mining = new MiningPipeline(ctx, { onMined: ({ block, txs }) => publisher.putOwnBlock(block, txs), offer: (peer, tip) => sync.offer(peer, tip) })
  const messages = new MessagesPipeline(ctx)
  const readers = new ChannelReaders(ctx, ['blkTip', 'txTip', 'demand', 'msgTip'], hex => messages.reader.announcedMs(hex))
  voting = new VotingPipeline(ctx, sync, readers)
  const chainEvents = new ChainEventsPipeline(ctx, {
    onReorg: returned => { poolPipeline.onReorg(returned) },
    onTip: mined => { poolPipeline.onTip(mined); publisher.publishTip(); mining.schedule() }
  })

  // One shape (pipelines/pipeline.ts): each start() returns its stop, called in reverse order.
  // The chain's events are followed first; every consumer subscribes (node/signals.ts SIGNAL_ROUTES)
  // before the readers produce signals, and mining forges only once enabled, after the start-up vote.
  const parts: Pipeline[] = [chainEvents, sync, mining, poolPipeline, new DemandResponder(ctx), messages, voting, readers, publisher]
  for (const part of parts) closers.push(part.start())
  return { ctx, mining, poolPipeline, voting, sync, messages, readers, adminToken: ensureAdminToken(cfg.dataDir) }
}
