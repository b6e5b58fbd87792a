// JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of every answer body, published as
// `components.schemas` of /openapi.json. The handlers' TypeScript types (format.ts and the route
// files) are checked against these both ways by test/integration/apiOpenapi.test.ts: it generates
// types from the live document with openapi-typescript and type-checks them against the handler
// types, and validates live answers with Ajv. A route owned elsewhere adds its schemas with addSchema.
export type JsonSchema = { [k: string]: unknown }

const HEX32 = '^[0-9a-f]{64}$'
const DEC = '^[0-9]+$'
/** Chain ids are 16 bytes (CHAIN_ID_BYTES). */
const CHAIN_ID: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'chain id' }
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })
const hex32 = (description: string): JsonSchema => ({ type: 'string', pattern: HEX32, description })
const dec = (description: string): JsonSchema => ({ type: 'string', pattern: DEC, description })
const int = (description: string, minimum = 0): JsonSchema => ({ type: 'integer', minimum, description })
const nullable = (s: JsonSchema): JsonSchema => ({ oneOf: [s, { type: 'null' }] })
/** A closed object: every property listed and required unless named in `optional`. */
function obj (properties: Record<string, JsonSchema>, optional: string[] = [], extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties).filter(k => !optional.includes(k)), additionalProperties: false, ...extra }
}

const TX_PROPS: Record<string, JsonSchema> = {
  id: hex32('transaction id'), version: int('format version'), chainId: CHAIN_ID, kind: { type: 'string', enum: ['transfer', 'note', 'unknown'] },
  from: hex32('sender key'), to: hex32('receiver key (transfers)'), amount: dec('amount (transfers)'), fee: dec('fee'), nonce: int('sender nonce'),
  timestamp: int('unix seconds'), memo: { type: 'string', pattern: '^([0-9a-f]{2})*$', description: 'memo bytes as hex' }, signature: { type: 'string', pattern: '^[0-9a-f]{128}$' }
}

const EXAMPLE_ID = '3f1d0c1b6e2a4d5f8a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7'
const EXAMPLE_KEY = 'a3c1f0e29b7d4c6a8e5f1b2d3c4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a'
const EXAMPLE_TX = {
  id: EXAMPLE_ID, version: 1, chainId: '9f86d081884c7d659a2feaa0c55ad015', kind: 'transfer', from: EXAMPLE_KEY,
  to: '5b2e7c1d9f0a3b4c6d8e1f2a3b5c7d9e0f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c', amount: '1000', fee: '2', nonce: 7,
  timestamp: 1800000000, memo: '', signature: 'ab'.repeat(64)
}
const EXAMPLE_REF = { id: EXAMPLE_ID, height: 1204 }

const SCHEMAS: Record<string, JsonSchema> = {
  Error: obj({ code: { type: 'string', description: 'stable machine-readable code, e.g. BAD_PARAM' }, message: { type: 'string' } }, [], {
    examples: [{ code: 'BAD_PARAM', message: 'id must be 64 hex characters' }]
  }),
  Health: obj({ status: { type: 'string', enum: ['synced', 'syncing', 'not-ready'] } }, [], { examples: [{ status: 'synced' }] }),
  BlockRef: obj({ id: hex32('block id'), height: int('block height') }, [], { examples: [EXAMPLE_REF] }),
  Endpoint: obj({ host: { type: 'string' }, port: { type: 'integer', minimum: 0, maximum: 65535 } }),
  Warning: obj({
    reason: { type: 'string', enum: ['deep-fork', 'below-consensus-point', 'vote-deep-fork', 'vote-below-consensus-point'] },
    candidateId: hex32('tip of the refused branch'), branchId: hex32("the branch's first block above the fork point (one warning per fork)"),
    candidateHeight: int('its height'), forkHeight: int('fork height'),
    depth: int('blocks above the fork'), at: int('unix seconds'), message: { type: 'string' }
  }),
  Status: obj({
    chainId: CHAIN_ID, genesisId: hex32('genesis block id'), height: int('tip height'), tipId: hex32('tip block id'),
    tipTime: int('tip timestamp, unix seconds'), cumulativeDifficulty: dec('tip cumulative difficulty'),
    consensusPoint: nullable(ref('BlockRef')), syncing: { type: 'boolean' }, sync: nullable(ref('Sync')), ready: { type: 'boolean' },
    mining: obj({ enabled: { type: 'boolean' }, nextEligibleTime: nullable(int('unix seconds')) }),
    nextEligibleTime: nullable(int('unix seconds')), peers: int('peers seen'), knownPeers: int('peers known'), poolSize: int('pooled transactions'),
    minedBlocks: int('blocks this node mined'), importedBlocks: int('blocks imported from peers'), reorgs: int('reorganisations'),
    votingRounds: int('voting rounds run'), warnings: { type: 'array', items: { type: 'string' } }, warningDetails: { type: 'array', items: ref('Warning') },
    pendingPoints: { type: 'array', description: 'chosen consensus points whose chain is still being fetched', items: obj({ id: hex32('block id'), mode: { type: 'string', enum: ['vote', 'vote-empty', 'trusted'] } }) },
    pendingBlocks: int('blocks waiting for a parent'), version: { type: 'string' }, uptimeS: int('seconds since start'),
    publicKey: hex32("this node's key"), dht: ref('Endpoint'),
    endpoints: obj({
      bound: nullable({ type: 'string', description: 'host:port bound' }), public: nullable({ type: 'string', description: 'host:port published in blkTip.e' }),
      source: { type: 'string', enum: ['flag', 'peers', 'bound', 'none'] },
      reported: obj({
        adopted: nullable({ type: 'string' }), agreeing: int('reporters naming the adopted endpoint'), reporters: int('reporters with a live report'),
        countedBy: { type: 'string', enum: ['ip', 'endpoint'] }, accepted: int('reports accepted'), refused: int('malformed reports')
      })
    }, [], { description: 'bound and public DHT endpoints and how the public one was learnt (BEP 42)' }),
    directGets: obj({ attempts: int('direct gets to published endpoints'), answered: int('those that got the item') }),
    link: nullable(ref('Link'))
  }),
  Sync: obj({
    targetHeight: int('height of the tip being synced to'), currentHeight: int("height of the branch's last block imported so far"),
    startHeight: int('chain height when the sync began'), blocksPerSec: { type: 'number', minimum: 0, description: 'blocks imported per second over the last 10 s' },
    etaS: nullable(int('seconds left at that rate; null while the rate is 0'))
  }, [], { description: 'the branch sync under way; null when none runs', examples: [{ targetHeight: 2000, currentHeight: 768, startHeight: 0, blocksPerSec: 251.3, etaS: 5 }] }),
  Link: obj({
    emulated: { type: 'boolean', enum: [true] }, latencyMs: int('ms'), jitterMs: int('ms'), lossPct: { type: 'number', minimum: 0 },
    far: nullable(obj({ latencyMs: int('ms'), jitterMs: int('ms'), lossPct: { type: 'number', minimum: 0 }, peers: int('peers on the far link') })),
    delayed: int('datagrams delayed'), dropped: int('datagrams dropped'), overflow: int('datagrams dropped by a full queue'), held: int('datagrams waiting')
  }, [], { description: 'an emulated link (testnet only)' }),
  Tx: obj(TX_PROPS, ['to', 'amount'], { examples: [EXAMPLE_TX] }),
  Block: obj({
    id: hex32('block id'), height: int('height'), version: int('format version'), chainId: CHAIN_ID, parent: hex32('parent id'),
    time: int('unix seconds'), baseTarget: dec('base target'), cumulativeDifficulty: dec('cumulative difficulty'),
    generationSignature: hex32('generation signature'), miner: hex32('miner key'), checkpoint: hex32('checkpoint block id'),
    txCount: int('transactions'), txids: { type: 'array', items: hex32('transaction id') }, signature: { type: 'string', pattern: '^[0-9a-f]{128}$' },
    txs: { type: 'array', items: ref('Tx'), description: 'with ?txs=1' }
  }, ['txs']),
  BlockSummary: obj({
    id: hex32('block id'), height: int('height'), parent: hex32('parent id'), time: int('unix seconds'), miner: hex32('miner key'),
    txCount: int('transactions'), cumulativeDifficulty: dec('cumulative difficulty')
  }),
  BlockStatus: obj({ id: hex32('block id'), height: int('height'), inBestChain: { type: 'boolean' }, nextBest: nullable(hex32('next main-chain block')), final: { type: 'boolean' } }),
  HeightId: obj({ height: int('height'), id: hex32('main-chain block id') }),
  BlockPage: obj({ blocks: { type: 'array', items: ref('BlockSummary') }, next: nullable(int('`before` of the next page')) }),
  TxSubmitted: obj({ id: hex32('transaction id') }),
  TxLookup: obj({ id: hex32('transaction id'), status: { type: 'string', enum: ['mined', 'pool'] }, block: nullable(ref('BlockRef')), tx: ref('Tx') }, [], {
    examples: [{ id: EXAMPLE_ID, status: 'mined', block: EXAMPLE_REF, tx: EXAMPLE_TX }]
  }),
  Account: obj({
    key: hex32('account key'), balance: dec('balance'), nonce: int('last used nonce'), power: int('mining power'), effectivePower: dec('floor(sqrt(power))'),
    nextNonce: int('next nonce, counting pooled transactions'), pooledTxs: int('pooled transactions of this sender')
  }, [], { examples: [{ key: EXAMPLE_KEY, balance: '999986000', nonce: 7, power: 7, effectivePower: '2', nextNonce: 8, pooledTxs: 0 }] }),
  AccountTx: obj({ ...TX_PROPS, block: ref('BlockRef'), position: int('index in the block') }, ['to', 'amount'], { examples: [{ ...EXAMPLE_TX, block: EXAMPLE_REF, position: 3 }] }),
  AccountTxPage: obj({
    key: hex32('account key'), txs: { type: 'array', items: ref('AccountTx') },
    next: nullable({ type: 'string', pattern: '^[0-9]+-[0-9]+$', description: 'cursor of the next page' })
  }, [], { examples: [{ key: EXAMPLE_KEY, txs: [{ ...EXAMPLE_TX, block: EXAMPLE_REF, position: 3 }], next: '1204-3' }] }),
  PoolLimits: obj({ maxTxs: int('pool capacity'), maxPerSender: int('per sender'), nonceWindow: int('nonces ahead'), maxAgeS: int('seconds') }),
  Pool: obj({ size: int('pooled transactions'), limits: ref('PoolLimits') }),
  PoolTxs: obj({ size: int('pooled transactions'), txs: { type: 'array', items: ref('Tx') } }),
  Peer: obj({
    key: hex32('peer key'), endpoint: nullable({ type: 'string', description: 'host:port' }), lastSeen: nullable({ type: 'string', format: 'date-time' }),
    lastSeenMs: nullable(int('unix ms')), tip: nullable(obj({ id: hex32('tip id'), height: int('height'), cumulativeDifficulty: dec('difficulty') })),
    penalties: int('penalty points'), banned: { type: 'boolean' }, sources: { type: 'array', items: { type: 'string' } }
  }),
  PeerList: obj({ count: int('known peers'), peers: { type: 'array', items: ref('Peer') } }),
  VoteEntry: obj({
    key: hex32('sampled key'), weight: dec('its power in the weight state'), valid: { type: 'boolean' },
    checkpointId: hex32('the checkpoint it voted for'), height: int("cp(n) of the voter's tip"), tipId: hex32("the voter's tip block"),
    code: { type: 'string', description: 'why the vote was void, e.g. VOTE_NO_ANSWER, VOTE_CHECKPOINT_MISMATCH' }, reason: { type: 'string' }
  }, ['checkpointId', 'height', 'tipId', 'code', 'reason']),
  VoteRound: obj({
    round: int('round number in this run', 1), reason: { type: 'string', enum: ['empty-chain', 'stale-tip', 'voting-range-fork'] },
    startedAt: int('unix seconds'), endedAt: int('unix seconds, after the adoption step'),
    weightState: obj({ height: int('height'), id: hex32('block id') }, [], { description: 'the main-chain block at cp(tip.n) whose state gave the weights' }),
    sampled: { type: 'array', items: obj({ key: hex32('sampled key'), weight: dec('power') }) },
    totalWeight: dec('S: the weight of every sampled key, answering or not'),
    votes: { type: 'array', items: ref('VoteEntry') },
    tally: { type: 'array', items: obj({ checkpointId: hex32('checkpoint'), height: int('height'), weight: dec('summed weight'), voters: int('keys') }) },
    decision: obj({
      kind: { type: 'string', enum: ['keep', 'adopt'] }, rule: { type: 'string' }, why: { type: 'string' },
      checkpointId: hex32('decided checkpoint'), height: int('its height'), weight: dec('its weight')
    }, ['checkpointId', 'height', 'weight']),
    outcome: obj({ kind: { type: 'string', enum: ['none', 'kept', 'moved', 'switched', 'refused', 'void'] }, message: { type: 'string' } })
  }),
  Votes: obj({ rounds: int('rounds run'), lastRound: nullable(ref('VoteRound')), recent: { type: 'array', items: ref('VoteRound'), description: 'the last 16 rounds, newest first' } }),
  CheckpointResult: obj({ id: hex32('the trusted checkpoint'), result: { type: 'string', enum: ['kept', 'reorged', 'unknown', 'refused'] }, message: { type: 'string' } }),
  DhtStats: obj({ endpoint: ref('Endpoint'), stats: { type: 'object', description: 'engine counters, gauges and latency summaries' } }),
  Mining: obj({ mining: { type: 'boolean' } }),
  DhtBlockList: obj({ blocked: { type: 'array', items: { type: 'string' } } }),
  MessagePage: obj({
    messages: { type: 'array', items: { type: 'object' } }, next: nullable(hex32('message id cursor')),
    with: hex32('the other side of the conversation (?with=)'), friend: { type: 'boolean', description: 'admin listing only' },
    dag: { type: 'object', description: 'the dual-chain DAG check of the conversation' }
  }, ['with', 'friend', 'dag']),
  MessageSent: obj({ id: hex32('message id'), message: { type: 'object' } }),
  OpenApi: { type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: { type: 'string' }, info: { type: 'object' }, paths: { type: 'object' } } },
  // Request bodies
  TxSubmit: obj({ tx: { type: 'string', pattern: '^([0-9a-fA-F]{2})+$', maxLength: 2000, description: 'canonical transaction bytes as hex' } }),
  MessageSend: obj({ text: { type: 'string' }, to: hex32('receiver key'), encrypt: { type: 'boolean' } }, ['to', 'encrypt']),
  CheckpointRequest: obj({ id: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'block id' } }),
  DhtBlockRequest: obj({ endpoints: { type: 'array', items: { type: 'string', description: 'host:port' } } })
}

const extra: Record<string, JsonSchema> = {}

/** For route files documented outside this list. */
export function addSchema (name: string, schema: JsonSchema): void { extra[name] = schema }

export function componentSchemas (): Record<string, JsonSchema> { return { ...SCHEMAS, ...extra } }
