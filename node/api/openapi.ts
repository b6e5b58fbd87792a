// The OpenAPI 3.1 description of every route, written by hand: one entry per route, in the
// router's `:param` pattern form. A test checks that the router and this list agree. Route
// files owned elsewhere (messages) add their entries with addRouteDoc.
import { VERSION } from '../version.js'

export interface ParamDoc { name: string, in: 'path' | 'query', required?: boolean, description: string, schema: { type: 'string' | 'integer' | 'boolean', pattern?: string, minimum?: number, maximum?: number } }
export interface ResponseDoc { description: string, /** Top-level keys of a JSON object answer. */ keys?: string[], contentType?: string }
export interface RouteDoc {
  method: 'GET' | 'POST'
  path: string
  summary: string
  params?: ParamDoc[]
  body?: { description: string, keys: string[] }
  responses: Record<number, ResponseDoc>
  cache: 'immutable' | 'no-store' | 'immutable when final'
  admin?: boolean
}

const HEX32 = '^[0-9a-fA-F]{64}$'
const hex32 = (name: string, description: string): ParamDoc => ({ name, in: 'path', required: true, description, schema: { type: 'string', pattern: HEX32 } })
const q = (name: string, description: string, min: number, max: number): ParamDoc => ({ name, in: 'query', description, schema: { type: 'integer', minimum: min, maximum: max } })
const E400 = { description: 'bad parameter or body', keys: ['code', 'message'] }
const E404 = { description: 'not found', keys: ['code', 'message'] }
const E401 = { description: 'missing or wrong admin token', keys: ['code', 'message'] }
const E403 = { description: 'not a loopback client', keys: ['code', 'message'] }
const BLOCK_KEYS = ['id', 'height', 'parent', 'time', 'miner', 'txids', 'baseTarget', 'cumulativeDifficulty']
const ACCOUNT_KEYS = ['key', 'balance', 'nonce', 'power', 'effectivePower']

export const ROUTE_DOCS: RouteDoc[] = [
  { method: 'GET', path: '/health', summary: 'Readiness: 200 synced, 206 syncing, 503 not ready', cache: 'no-store', responses: { 200: { description: 'synced', keys: ['status'] }, 206: { description: 'syncing', keys: ['status'] }, 503: { description: 'not ready', keys: ['status'] } } },
  { method: 'GET', path: '/status', summary: 'Node status', cache: 'no-store', responses: { 200: { description: 'status', keys: ['chainId', 'genesisId', 'height', 'tipId', 'consensusPoint', 'syncing', 'ready', 'mining', 'nextEligibleTime', 'peers', 'poolSize', 'warnings', 'version'] } } },
  { method: 'GET', path: '/blocks/tip', summary: 'The main-chain tip block', cache: 'no-store', responses: { 200: { description: 'block', keys: BLOCK_KEYS } } },
  { method: 'GET', path: '/block/:id', summary: 'A stored block (main or side) by id', cache: 'immutable', params: [hex32('id', 'block id'), { name: 'txs', in: 'query', description: '1 to embed the transactions', schema: { type: 'boolean' } }], responses: { 200: { description: 'block', keys: BLOCK_KEYS }, 400: E400, 404: E404 } },
  { method: 'GET', path: '/block/:id/status', summary: 'Whether a block is on the main chain', cache: 'no-store', params: [hex32('id', 'block id')], responses: { 200: { description: 'status', keys: ['id', 'height', 'inBestChain', 'nextBest', 'final'] }, 400: E400, 404: E404 } },
  { method: 'GET', path: '/block-height/:n', summary: 'Id of the main-chain block at a height', cache: 'immutable when final', params: [{ name: 'n', in: 'path', required: true, description: 'height', schema: { type: 'integer', minimum: 0 } }], responses: { 200: { description: 'id', keys: ['height', 'id'] }, 400: E400, 404: E404 } },
  { method: 'GET', path: '/blocks', summary: 'Main-chain blocks, newest first, keyset-paginated by height', cache: 'no-store', params: [q('before', 'heights below this (default tip + 1)', 0, Number.MAX_SAFE_INTEGER), q('limit', 'page size (default 10)', 1, 100)], responses: { 200: { description: 'page', keys: ['blocks', 'next'] }, 400: E400 } },
  { method: 'POST', path: '/tx', summary: 'Submit a transaction to the pool', cache: 'no-store', body: { description: 'canonical transaction bytes as hex', keys: ['tx'] }, responses: { 200: { description: 'admitted', keys: ['id'] }, 400: E400, 409: { description: 'refused by the pool (duplicate, nonce, full, already mined)', keys: ['code', 'message'] }, 413: { description: 'body over 64 KiB', keys: ['code', 'message'] } } },
  { method: 'GET', path: '/tx/:id', summary: 'A transaction, mined or pooled', cache: 'immutable when final', params: [hex32('id', 'transaction id')], responses: { 200: { description: 'transaction', keys: ['id', 'status', 'block', 'tx'] }, 400: E400, 404: E404 } },
  { method: 'GET', path: '/account/:key', summary: 'Account state at the tip', cache: 'no-store', params: [hex32('key', 'public key')], responses: { 200: { description: 'account', keys: ACCOUNT_KEYS }, 400: E400 } },
  { method: 'GET', path: '/account/:key/txs', summary: "An account's mined transactions, newest first (bounded scan)", cache: 'no-store', params: [hex32('key', 'public key'), q('before', 'blocks below this height (default tip + 1)', 0, Number.MAX_SAFE_INTEGER), q('limit', 'page size (default 25)', 1, 100)], responses: { 200: { description: 'page', keys: ['key', 'txs', 'next'] }, 400: E400 } },
  { method: 'GET', path: '/pool', summary: 'Pool size and limits', cache: 'no-store', responses: { 200: { description: 'pool', keys: ['size', 'limits'] } } },
  { method: 'GET', path: '/pool/txs', summary: 'Pooled transactions, in mining order', cache: 'no-store', params: [q('limit', 'at most (default 100)', 1, 1000), { name: 'sender', in: 'query', description: 'only this sender (nonce order)', schema: { type: 'string', pattern: HEX32 } }], responses: { 200: { description: 'transactions', keys: ['size', 'txs'] }, 400: E400 } },
  { method: 'GET', path: '/peers', summary: 'Known peers', cache: 'no-store', params: [q('limit', 'at most (default 256)', 1, 1024)], responses: { 200: { description: 'peers', keys: ['count', 'peers'] }, 400: E400 } },
  { method: 'GET', path: '/votes', summary: 'The last voting round', cache: 'no-store', responses: { 200: { description: 'the last voting rounds (lastRound, recent: sampled keys with weights, votes valid or void with a code, tally, S = totalWeight, decision with rule and why, outcome)', keys: ['rounds', 'lastRound', 'recent'] } } },
  { method: 'GET', path: '/dht', summary: 'DHT engine counters and latencies', cache: 'no-store', responses: { 200: { description: 'stats', keys: ['endpoint', 'stats'] } } },
  { method: 'GET', path: '/events', summary: 'Server-sent events: block, reorg, tx, vote, warning, message, receipt', cache: 'no-store', params: [{ name: 'types', in: 'query', description: 'comma-separated subset of the event types', schema: { type: 'string' } }], responses: { 200: { description: 'event stream', contentType: 'text/event-stream' }, 400: E400, 503: { description: 'too many streams', keys: ['code', 'message'] } } },
  { method: 'GET', path: '/metrics', summary: 'Prometheus metrics', cache: 'no-store', responses: { 200: { description: 'text exposition format 0.0.4', contentType: 'text/plain' } } },
  { method: 'GET', path: '/openapi.json', summary: 'This document', cache: 'no-store', responses: { 200: { description: 'OpenAPI 3.1', keys: ['openapi', 'info', 'paths'] } } },
  { method: 'GET', path: '/messages', summary: 'Off-chain messages, newest first: public text, encrypted ones as metadata only (see routes/messages.ts)', cache: 'no-store', params: [{ name: 'with', in: 'query', description: 'the conversation with this key: both sides, delivered / read states, DAG check (then the page also has with, friend, dag)', schema: { type: 'string', pattern: HEX32 } }, { name: 'peer', in: 'query', description: "only this sender's chain", schema: { type: 'string', pattern: HEX32 } }, { name: 'before', in: 'query', description: 'message id cursor', schema: { type: 'string', pattern: HEX32 } }, q('limit', 'page size', 1, 200)], responses: { 200: { description: 'page', keys: ['messages', 'next'] }, 400: E400, 404: E404 } },
  { method: 'POST', path: '/messages', summary: 'Send a message as this node (admin)', cache: 'no-store', admin: true, body: { description: '{ text, to?, encrypt? }', keys: ['text'] }, responses: { 201: { description: 'sent', keys: ['id', 'message'] }, 400: E400, 401: E401, 403: E403 } },
  { method: 'POST', path: '/admin/dht/block', summary: 'Replace the DHT endpoint block list (admin; testnet partitions)', cache: 'no-store', admin: true, body: { description: '{ endpoints: ["host:port", ...] }', keys: ['endpoints'] }, responses: { 200: { description: 'the new list', keys: ['blocked'] }, 400: E400, 401: E401, 403: E403 } },
  { method: 'POST', path: '/admin/checkpoint', summary: 'Set a trusted checkpoint: it becomes the consensus point once its chain is held and valid (admin)', cache: 'no-store', admin: true, body: { description: '{ id: block id hex }', keys: ['id'] }, responses: { 200: { description: 'applied (or already on the chain)', keys: ['id', 'result', 'message'] }, 202: { description: 'not held yet: its chain is being fetched', keys: ['id', 'result', 'message'] }, 400: E400, 401: E401, 403: E403 } },
  { method: 'POST', path: '/mining/start', summary: 'Start mining (admin)', cache: 'no-store', admin: true, responses: { 200: { description: 'mining on', keys: ['mining'] }, 401: E401, 403: E403 } },
  { method: 'POST', path: '/mining/stop', summary: 'Stop mining (admin)', cache: 'no-store', admin: true, responses: { 200: { description: 'mining off', keys: ['mining'] }, 401: E401, 403: E403 } }
]

const extra: RouteDoc[] = []

/** For route files documented outside this list (e.g. routes/messages.ts). */
export function addRouteDoc (doc: RouteDoc): void {
  if (!extra.some(d => d.method === doc.method && d.path === doc.path)) extra.push(doc)
}

export function allRouteDocs (): RouteDoc[] { return [...ROUTE_DOCS, ...extra] }

const toOpenApiPath = (p: string): string => p.replace(/:([A-Za-z]+)/g, '{$1}')

export function openApiDocument (): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const d of allRouteDocs()) {
    const responses: Record<string, unknown> = {}
    for (const [status, r] of Object.entries(d.responses)) {
      const ct = r.contentType ?? 'application/json'
      const schema = r.keys !== undefined ? { type: 'object', required: r.keys } : { type: 'string' }
      responses[status] = { description: r.description, content: { [ct]: { schema } } }
    }
    const op: Record<string, unknown> = { summary: d.summary, parameters: d.params ?? [], responses, 'x-cache': d.cache }
    if (d.body !== undefined) op.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object', required: d.body.keys } } }, description: d.body.description }
    if (d.admin === true) op.security = [{ adminToken: [] }]
    ;(paths[toOpenApiPath(d.path)] ??= {})[d.method.toLowerCase()] = op
  }
  return {
    openapi: '3.1.0',
    info: { title: 'tau-node REST API', version: VERSION, description: 'Hashes and keys are lowercase hex; amounts and big numbers are decimal strings; errors are { code, message }.' },
    components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: '<data-dir>/admin-token; loopback clients only' } } },
    paths
  }
}
