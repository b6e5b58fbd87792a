// The OpenAPI 3.1 description of every route: one RouteDoc per route, in the router's `:param`
// pattern form, naming its answer schemas in schemas.ts. To add a route: add its entry here (or
// call addRouteDoc from its route file) and its schemas in schemas.ts (or addSchema). Tests check
// that the router and this list agree, that live answers validate against the schemas, and that
// types generated from the document match the handlers' types.
import { VERSION } from '../version.js'
import { componentSchemas } from './schemas.js'

export interface ParamDoc { name: string, in: 'path' | 'query', required?: boolean, description: string, schema: { type: 'string' | 'integer' | 'boolean', pattern?: string, minimum?: number, maximum?: number } }
export interface ResponseDoc { description: string, /** Component schema name of a JSON answer. */ schema?: string, contentType?: string }
export interface RouteDoc {
  method: 'GET' | 'POST'
  path: string
  operationId: string
  summary: string
  params?: ParamDoc[]
  body?: { description: string, schema: string }
  responses: Record<number, ResponseDoc>
  cache: 'immutable' | 'no-store' | 'immutable when final'
  admin?: boolean
  /** In public mode, answered to loopback clients only (the route shows private data). */
  private?: boolean
}

const HEX32 = '^[0-9a-fA-F]{64}$'
const hex32 = (name: string, description: string): ParamDoc => ({ name, in: 'path', required: true, description, schema: { type: 'string', pattern: HEX32 } })
const q = (name: string, description: string, min: number, max: number): ParamDoc => ({ name, in: 'query', description, schema: { type: 'integer', minimum: min, maximum: max } })
const ok = (schema: string, description = 'success'): ResponseDoc => ({ description, schema })
const E400 = { description: 'bad parameter or body', schema: 'Error' }
const E404 = { description: 'not found', schema: 'Error' }
const E401 = { description: 'missing or wrong admin token', schema: 'Error' }
const E403 = { description: 'not a loopback client', schema: 'Error' }

export const ROUTE_DOCS: RouteDoc[] = [
  { method: 'GET', path: '/health', operationId: 'getHealth', summary: 'Readiness: 200 synced, 206 syncing, 503 not ready', cache: 'no-store', responses: { 200: ok('Health', 'synced'), 206: ok('Health', 'syncing'), 503: ok('Health', 'not ready') } },
  { method: 'GET', path: '/status', operationId: 'getStatus', summary: 'Node status', cache: 'no-store', responses: { 200: ok('Status') } },
  { method: 'GET', path: '/blocks/tip', operationId: 'getTipBlock', summary: 'The main-chain tip block', cache: 'no-store', responses: { 200: ok('Block') } },
  { method: 'GET', path: '/block/:id', operationId: 'getBlock', summary: 'A stored block (main or side) by id', cache: 'immutable', params: [hex32('id', 'block id'), { name: 'txs', in: 'query', description: '1 to embed the transactions', schema: { type: 'boolean' } }], responses: { 200: ok('Block'), 400: E400, 404: E404 } },
  { method: 'GET', path: '/block/:id/status', operationId: 'getBlockStatus', summary: 'Whether a block is on the main chain', cache: 'no-store', params: [hex32('id', 'block id')], responses: { 200: ok('BlockStatus'), 400: E400, 404: E404 } },
  { method: 'GET', path: '/block-height/:n', operationId: 'getBlockIdAtHeight', summary: 'Id of the main-chain block at a height', cache: 'immutable when final', params: [{ name: 'n', in: 'path', required: true, description: 'height', schema: { type: 'integer', minimum: 0 } }], responses: { 200: ok('HeightId'), 400: E400, 404: E404 } },
  { method: 'GET', path: '/blocks', operationId: 'listBlocks', summary: 'Main-chain blocks, newest first, keyset-paginated by height', cache: 'no-store', params: [q('before', 'heights below this (default tip + 1)', 0, Number.MAX_SAFE_INTEGER), q('limit', 'page size (default 10)', 1, 100)], responses: { 200: ok('BlockPage'), 400: E400 } },
  { method: 'POST', path: '/tx', operationId: 'submitTx', summary: 'Submit a transaction to the pool', cache: 'no-store', body: { description: 'canonical transaction bytes as hex', schema: 'TxSubmit' }, responses: { 200: ok('TxSubmitted', 'admitted'), 400: E400, 409: { description: 'refused by the pool (duplicate, nonce, full, already mined)', schema: 'Error' }, 413: { description: 'body over 64 KiB', schema: 'Error' } } },
  { method: 'GET', path: '/tx/:id', operationId: 'getTx', summary: 'A transaction, mined or pooled', cache: 'immutable when final', params: [hex32('id', 'transaction id')], responses: { 200: ok('TxLookup'), 400: E400, 404: E404 } },
  { method: 'GET', path: '/account/:key', operationId: 'getAccount', summary: 'Account state at the tip', cache: 'no-store', params: [hex32('key', 'public key')], responses: { 200: ok('Account'), 400: E400 } },
  { method: 'GET', path: '/account/:key/txs', operationId: 'listAccountTxs', summary: "An account's main-chain transactions, newest first (account index, cursor paging)", cache: 'no-store', params: [hex32('key', 'public key'), { name: 'cursor', in: 'query', description: "the previous page's next", schema: { type: 'string', pattern: '^[0-9]{1,15}-[0-9]{1,5}$' } }, q('before', 'transactions in blocks below this height', 0, Number.MAX_SAFE_INTEGER), q('limit', 'page size (default 25)', 1, 100)], responses: { 200: ok('AccountTxPage'), 400: E400 } },
  { method: 'GET', path: '/pool', operationId: 'getPool', summary: 'Pool size and limits', cache: 'no-store', responses: { 200: ok('Pool') } },
  { method: 'GET', path: '/pool/txs', operationId: 'listPoolTxs', summary: 'Pooled transactions, in mining order', cache: 'no-store', params: [q('limit', 'at most (default 100)', 1, 1000), { name: 'sender', in: 'query', description: 'only this sender (nonce order)', schema: { type: 'string', pattern: HEX32 } }], responses: { 200: ok('PoolTxs'), 400: E400 } },
  { method: 'GET', path: '/peers', operationId: 'listPeers', summary: 'Known peers', cache: 'no-store', params: [q('limit', 'at most (default 256)', 1, 1024)], responses: { 200: ok('PeerList'), 400: E400 } },
  { method: 'GET', path: '/votes', operationId: 'getVotes', summary: 'The last voting rounds: sampled keys with weights, each vote or why it was void, tally, S, decision and outcome', cache: 'no-store', responses: { 200: ok('Votes') } },
  { method: 'GET', path: '/dht', operationId: 'getDhtStats', summary: 'DHT engine counters and latencies', cache: 'no-store', responses: { 200: ok('DhtStats') } },
  { method: 'GET', path: '/events', operationId: 'streamEvents', summary: 'Server-sent events: block, reorg, tx, vote, warning, message, receipt; resumable with Last-Event-ID', cache: 'no-store', params: [{ name: 'types', in: 'query', description: 'comma-separated subset of the event types', schema: { type: 'string' } }, { name: 'lastEventId', in: 'query', description: 'resume after this event id (as the Last-Event-ID header)', schema: { type: 'string' } }], responses: { 200: { description: 'event stream', contentType: 'text/event-stream' }, 400: E400, 503: { description: 'too many streams', schema: 'Error' } } },
  { method: 'GET', path: '/metrics', operationId: 'getMetrics', summary: 'Prometheus metrics', cache: 'no-store', responses: { 200: { description: 'text exposition format 0.0.4', contentType: 'text/plain' } } },
  { method: 'GET', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This document', cache: 'no-store', responses: { 200: ok('OpenApi', 'OpenAPI 3.1') } },
  { method: 'GET', path: '/messages', operationId: 'listMessages', summary: 'Off-chain messages, newest first: public text, encrypted ones as metadata only (see routes/messages.ts)', cache: 'no-store', private: true, params: [{ name: 'with', in: 'query', description: 'the conversation with this key: both sides, delivered / read states, DAG check (then the page also has with, friend, dag)', schema: { type: 'string', pattern: HEX32 } }, { name: 'peer', in: 'query', description: "only this sender's chain", schema: { type: 'string', pattern: HEX32 } }, { name: 'before', in: 'query', description: 'message id cursor', schema: { type: 'string', pattern: HEX32 } }, q('limit', 'page size', 1, 200)], responses: { 200: ok('MessagePage'), 400: E400, 404: E404 } },
  { method: 'POST', path: '/messages', operationId: 'sendMessage', summary: 'Send a message as this node (admin)', cache: 'no-store', admin: true, body: { description: '{ text, to?, encrypt? }', schema: 'MessageSend' }, responses: { 201: ok('MessageSent', 'sent'), 400: E400, 401: E401, 403: E403 } },
  { method: 'POST', path: '/admin/dht/block', operationId: 'setDhtBlockList', summary: 'Replace the DHT endpoint block list (admin; testnet partitions)', cache: 'no-store', admin: true, body: { description: '{ endpoints: ["host:port", ...] }', schema: 'DhtBlockRequest' }, responses: { 200: ok('DhtBlockList', 'the new list'), 400: E400, 401: E401, 403: E403 } },
  { method: 'POST', path: '/admin/checkpoint', operationId: 'setTrustedCheckpoint', summary: 'Set a trusted checkpoint: it becomes the consensus point once its chain is held and valid (admin)', cache: 'no-store', admin: true, body: { description: '{ id: block id hex }', schema: 'CheckpointRequest' }, responses: { 200: ok('CheckpointResult', 'applied (or already on the chain)'), 202: ok('CheckpointResult', 'not held yet: its chain is being fetched'), 400: E400, 401: E401, 403: E403 } },
  { method: 'POST', path: '/mining/start', operationId: 'startMining', summary: 'Start mining (admin)', cache: 'no-store', admin: true, responses: { 200: ok('Mining', 'mining on'), 401: E401, 403: E403 } },
  { method: 'POST', path: '/mining/stop', operationId: 'stopMining', summary: 'Stop mining (admin)', cache: 'no-store', admin: true, responses: { 200: ok('Mining', 'mining off'), 401: E401, 403: E403 } }
]

/** Answers any route may give, besides its own: public-mode limits and the bug path. */
const COMMON_RESPONSES: Record<number, ResponseDoc> = {
  429: { description: 'public mode: over the per-client rate or concurrency limit (see retry-after)', schema: 'Error' },
  500: { description: 'internal error (a bug; logged)', schema: 'Error' },
  503: { description: 'public mode: the node is busy or the handler timed out (see retry-after)', schema: 'Error' }
}

const extra: RouteDoc[] = []

/** For route files documented outside this list (e.g. routes/messages.ts). */
export function addRouteDoc (doc: RouteDoc): void {
  if (!extra.some(d => d.method === doc.method && d.path === doc.path)) extra.push(doc)
}

export function allRouteDocs (): RouteDoc[] { return [...ROUTE_DOCS, ...extra] }

/** "METHOD /pattern" of the routes that public mode keeps to loopback clients. */
export function loopbackOnlyRoutes (): Set<string> {
  return new Set(allRouteDocs().filter(d => d.private === true).map(d => `${d.method} ${d.path}`))
}

const toOpenApiPath = (p: string): string => p.replace(/:([A-Za-z]+)/g, '{$1}')
const schemaRef = (name: string): Record<string, string> => ({ $ref: `#/components/schemas/${name}` })

export function openApiDocument (): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const d of allRouteDocs()) {
    const responses: Record<string, unknown> = {}
    for (const [status, r] of Object.entries({ ...COMMON_RESPONSES, ...d.responses })) {
      const ct = r.contentType ?? 'application/json'
      const schema = r.schema !== undefined ? schemaRef(r.schema) : { type: 'string' }
      const headers = status === '429' || (status === '503' && d.path !== '/health')
        ? { 'retry-after': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } } }
        : undefined
      responses[status] = { description: r.description, content: { [ct]: { schema } }, ...(headers !== undefined ? { headers } : {}) }
    }
    const op: Record<string, unknown> = { operationId: d.operationId, summary: d.summary, parameters: d.params ?? [], responses, 'x-cache': d.cache }
    if (d.body !== undefined) op.requestBody = { required: true, description: d.body.description, content: { 'application/json': { schema: schemaRef(d.body.schema) } } }
    if (d.admin === true) op.security = [{ adminToken: [] }]
    if (d.private === true) op['x-loopback-only-in-public-mode'] = true
    ;(paths[toOpenApiPath(d.path)] ??= {})[d.method.toLowerCase()] = op
  }
  return {
    openapi: '3.1.0',
    info: { title: 'tau-node REST API', version: VERSION, description: 'Hashes and keys are lowercase hex; amounts and big numbers are decimal strings; errors are { code, message }.' },
    components: {
      schemas: componentSchemas(),
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: '<data-dir>/admin-token; loopback clients only' } }
    },
    paths
  }
}
