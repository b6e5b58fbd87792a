// Node configuration: command-line flags override TAU_* environment variables, which override a
// JSON config file, which overrides the defaults. Every value is checked here, once, with a message
// that names the setting and where it came from.
import { join, resolve } from 'node:path'
import { NodeError } from './errors.js'
import { PACKAGE_ROOT } from './packageRoot.js'
import { readJsonFile } from '../chain/jsonFile.js'
import { type Endpoint, parseEndpoint } from '../dht/endpoint.js'
import { isOrigin } from './api/cors.js'
import { parseHostNameEndpoint } from './ops/netResolve.js'
import { CORS_MAX_ORIGINS } from './ui/constants.js'
import { MAX_NICKNAME_BYTES } from '../dht/items.js'
import { MAX_FRIEND_NAME_BYTES, MAX_FRIENDS } from './messaging/constants.js'
import { LINK_MAX_LATENCY_MS, LINK_MAX_LOSS_PCT } from '../dht/constants.js'

export type { Endpoint }

export type LogFormat = 'json' | 'pretty'
export type LogLevel = 'error' | 'warn' | 'info' | 'debug'


export interface NodeConfig {
  dataDir: string
  genesis: string
  /** Key file path; when absent the node uses devKey, or creates <dataDir>/key.json. */
  keyFile?: string
  /** Index of a test-only devnet key (chain/devkeys.ts). */
  devKey?: number
  dhtHost: string
  dhtPort: number
  bootstrap: Endpoint[]
  apiHost: string
  apiPort: number
  /** Origins allowed to read the API from a browser; none by default. */
  apiCors: string[]
  /** Serve the block explorer at `/` on the API port. */
  ui: boolean
  /** Public API mode: per-IP rate and concurrency limits, request deadlines (docs/api.md). */
  apiPublic: boolean
  mine: boolean
  logLevel: LogLevel
  logFormat: LogFormat
  /** Rebuild index and state from stored blocks before starting. */
  reindex: boolean
  /** A trusted checkpoint (block id, 64 hex chars): the operator override of PROTOCOL §6. */
  checkpoint?: string
  /** Friends' keys (and names) from the config (docs/messaging.md); the admin API adds more. */
  friends?: Array<{ key: string, name?: string }>
  /** The nickname this node gossips (`u`, ≤ 32 UTF-8 bytes). */
  nickname?: string
  /** The endpoint published in blkTip.e, instead of the one peers report (docs/operations.md). */
  publicEndpoint?: Endpoint
  /** Emulated link (delay, jitter, loss) on outgoing DHT datagrams; testnet only (dht/link.ts). */
  linkLatencyMs?: number
  linkJitterMs?: number
  linkLossPct?: number
  /** A different emulated link to these peers' DHT endpoints (a "two continents" testnet). */
  linkFarPeers?: Endpoint[]
  linkFarLatencyMs?: number
  linkFarJitterMs?: number
  linkFarLossPct?: number
}

/**
 * The devnet genesis shipped with the package (README: "embedded"), found from the package's own
 * location so `tau-node start` works from any working directory; --genesis still wins.
 */
export const EMBEDDED_GENESIS = join(PACKAGE_ROOT, 'genesis.json')

/** Set by the testnet tool in each node's environment; link emulation is refused without it. */
export const TESTNET_ENV = 'TAU_UNDER_TESTNET'

export const DEFAULTS: NodeConfig = {
  dataDir: './data/node',
  genesis: EMBEDDED_GENESIS,
  dhtHost: '127.0.0.1',
  dhtPort: 7881,
  bootstrap: [],
  apiHost: '127.0.0.1',
  apiPort: 8080,
  apiCors: [],
  ui: true,
  apiPublic: false,
  mine: true,
  logLevel: 'info',
  logFormat: 'pretty',
  reindex: false
}

/** One setting: its flag, environment variable, config-file key and parser. */
interface Setting { key: keyof NodeConfig, flag: string, env: string, help: string, parse: (v: unknown, from: string) => unknown }

const str = (name: string) => (v: unknown, from: string): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw bad(name, from, 'must be a non-empty string')
  return v
}
const port = (name: string) => (v: unknown, from: string): number => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw bad(name, from, 'must be a port number 0–65535')
  return n
}
const bool = (name: string) => (v: unknown, from: string): boolean => {
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === '1' || v === 'yes') return true
  if (v === 'false' || v === '0' || v === 'no') return false
  throw bad(name, from, 'must be true or false')
}
const oneOf = <T extends string>(name: string, values: readonly T[]) => (v: unknown, from: string): T => {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw bad(name, from, `must be one of ${values.join(', ')}`)
  return v as T
}

/** `names`: a host name is allowed too (bootstrap entries; resolved at start, node/ops/netResolve.ts). */
function endpointOf (s: string, what: string, names = true): Endpoint {
  try {
    return parseEndpoint(s)
  } catch (e) {
    const named = names ? parseHostNameEndpoint(s) : undefined
    if (named !== undefined) return named
    throw new NodeError('CONFIG_BAD_VALUE', `${what} "${s}": ${(e as Error).message}`)
  }
}

const endpoints = (name: string) => (v: unknown, from: string): Endpoint[] => {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').filter(x => x.trim() !== '') : null
  if (list === null || list.length > 64) throw bad(name, from, 'must be a list of at most 64 host:port entries')
  return list.map(x => {
    if (typeof x !== 'string') throw bad(name, from, 'entries must be host:port strings')
    return endpointOf(x, `${name} entry`)
  })
}
const origins = (name: string) => (v: unknown, from: string): string[] => {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').map(x => x.trim()).filter(x => x !== '') : null
  if (list === null || list.length > CORS_MAX_ORIGINS) throw bad(name, from, `must be a list of at most ${CORS_MAX_ORIGINS} origins`)
  return list.map(x => {
    if (typeof x !== 'string' || !isOrigin(x)) throw bad(name, from, `entry "${String(x)}" is not an origin like https://explorer.example or http://127.0.0.1:3000`)
    return x
  })
}
const publicEp = (v: unknown, from: string): Endpoint => {
  if (typeof v !== 'string') throw bad('public-endpoint', from, 'must be a host:port string')
  // Published as 6 bytes in blkTip.e: an IPv4 address, never a name.
  const ep = endpointOf(v, 'public-endpoint', false)
  if (ep.host === '0.0.0.0') throw bad('public-endpoint', from, 'must be an address peers can reach, not 0.0.0.0')
  return ep
}
const intIn = (name: string, min: number, max: number) => (v: unknown, from: string): number => {
  const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw bad(name, from, `must be a number in [${min}, ${max}]`)
  return n
}
const blockIdHex = (name: string) => (v: unknown, from: string): string => {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}$/.test(v)) throw bad(name, from, 'must be a block id: 64 hex characters')
  return v.toLowerCase()
}
const devKeyIndex = (v: unknown, from: string): number => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 3) throw bad('dev-key', from, 'must be 0–3')
  return n
}

/** `friends`: a list of "KEY" / "KEY:name" strings or {key, name?} objects (a comma list from a flag or env). */
const friendList = (v: unknown, from: string): Array<{ key: string, name?: string }> => {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').filter(x => x.trim() !== '') : null
  if (list === null || list.length > MAX_FRIENDS) throw bad('friends', from, `must be a list of at most ${MAX_FRIENDS} friends`)
  return list.map(x => {
    const o = typeof x === 'string' ? { key: x.split(':')[0].trim(), name: x.includes(':') ? x.slice(x.indexOf(':') + 1) : undefined } : x as { key?: unknown, name?: unknown }
    if (typeof o !== 'object' || o === null || typeof o.key !== 'string' || !/^[0-9a-fA-F]{64}$/.test(o.key)) throw bad('friends', from, 'entries must be 64-hex public keys ("KEY", "KEY:name" or {"key", "name"})')
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0 || Buffer.byteLength(o.name, 'utf8') > MAX_FRIEND_NAME_BYTES)) throw bad('friends', from, `a friend name is 1..${MAX_FRIEND_NAME_BYTES} UTF-8 bytes`)
    return o.name === undefined ? { key: o.key.toLowerCase() } : { key: o.key.toLowerCase(), name: o.name as string }
  })
}
const nickname = (v: unknown, from: string): string => {
  if (typeof v !== 'string' || v.length === 0 || Buffer.byteLength(v, 'utf8') > MAX_NICKNAME_BYTES) throw bad('nickname', from, `must be 1..${MAX_NICKNAME_BYTES} UTF-8 bytes`)
  return v
}

function bad (name: string, from: string, msg: string): NodeError {
  return new NodeError('CONFIG_BAD_VALUE', `${name} (from ${from}) ${msg}`)
}

export const SETTINGS: Setting[] = [
  { key: 'dataDir', flag: 'data-dir', env: 'TAU_DATA_DIR', help: 'data directory (chain store, DHT state, lock)', parse: str('data-dir') },
  { key: 'genesis', flag: 'genesis', env: 'TAU_GENESIS', help: 'genesis file (default: the devnet genesis.json shipped with tau-node)', parse: str('genesis') },
  { key: 'keyFile', flag: 'key-file', env: 'TAU_KEY_FILE', help: 'key file (default: <data-dir>/key.json, created if missing)', parse: str('key-file') },
  { key: 'devKey', flag: 'dev-key', env: 'TAU_DEV_KEY', help: 'use devnet key N (0–3), TEST-ONLY', parse: devKeyIndex },
  { key: 'dhtHost', flag: 'dht-host', env: 'TAU_DHT_HOST', help: 'UDP address the DHT binds to (auto: the first non-loopback IPv4 address, for containers)', parse: str('dht-host') },
  { key: 'dhtPort', flag: 'dht-port', env: 'TAU_DHT_PORT', help: 'UDP port of the DHT (0: any free port)', parse: port('dht-port') },
  { key: 'bootstrap', flag: 'bootstrap', env: 'TAU_BOOTSTRAP', help: 'DHT nodes to join, host:port[,host:port…] (IPv4 or a host name, resolved at start)', parse: endpoints('bootstrap') },
  { key: 'apiHost', flag: 'api-host', env: 'TAU_API_HOST', help: 'HTTP API address', parse: str('api-host') },
  { key: 'apiPort', flag: 'api-port', env: 'TAU_API_PORT', help: 'HTTP API port (0: any free port)', parse: port('api-port') },
  { key: 'apiCors', flag: 'api-cors', env: 'TAU_API_CORS', help: 'origins allowed to read the API from a browser, ORIGIN[,ORIGIN…]', parse: origins('api-cors') },
  { key: 'ui', flag: 'ui', env: 'TAU_UI', help: 'serve the block explorer at / on the API port (--no-ui to turn off)', parse: bool('ui') },
  { key: 'apiPublic', flag: 'api-public', env: 'TAU_API_PUBLIC', help: 'public API mode for binding beyond loopback: per-IP limits (429), deadlines', parse: bool('api-public') },
  { key: 'mine', flag: 'mine', env: 'TAU_MINE', help: 'mine blocks (--no-mine to only sync)', parse: bool('mine') },
  { key: 'logLevel', flag: 'log-level', env: 'TAU_LOG_LEVEL', help: 'error | warn | info | debug', parse: oneOf('log-level', ['error', 'warn', 'info', 'debug'] as const) },
  { key: 'logFormat', flag: 'log-format', env: 'TAU_LOG_FORMAT', help: 'json | pretty', parse: oneOf('log-format', ['json', 'pretty'] as const) },
  { key: 'reindex', flag: 'reindex', env: 'TAU_REINDEX', help: 'rebuild the index and state from stored blocks, then start', parse: bool('reindex') },
  { key: 'checkpoint', flag: 'checkpoint', env: 'TAU_CHECKPOINT', help: 'trusted checkpoint (block id): becomes the consensus point once its chain is held, whatever the votes say', parse: blockIdHex('checkpoint') },
  { key: 'friends', flag: 'friends', env: 'TAU_FRIENDS', help: 'friends\' public keys, KEY[:name][,KEY[:name]…] (docs/messaging.md)', parse: friendList },
  { key: 'nickname', flag: 'nickname', env: 'TAU_NICKNAME', help: 'nickname this node gossips (≤ 32 UTF-8 bytes)', parse: nickname },
  { key: 'publicEndpoint', flag: 'public-endpoint', env: 'TAU_PUBLIC_ENDPOINT', help: 'ipv4:port published to peers in blkTip.e (default: what 3 peers agree they see)', parse: publicEp },
  { key: 'linkLatencyMs', flag: 'link-latency', env: 'TAU_LINK_LATENCY', help: `TESTNET-ONLY (needs ${TESTNET_ENV}=1): delay every outgoing DHT datagram by MS`, parse: intIn('link-latency', 0, LINK_MAX_LATENCY_MS) },
  { key: 'linkJitterMs', flag: 'link-jitter', env: 'TAU_LINK_JITTER', help: 'TESTNET-ONLY: ± MS of uniform jitter on that delay', parse: intIn('link-jitter', 0, LINK_MAX_LATENCY_MS) },
  { key: 'linkLossPct', flag: 'link-loss', env: 'TAU_LINK_LOSS', help: 'TESTNET-ONLY: drop PCT % of outgoing DHT datagrams', parse: intIn('link-loss', 0, LINK_MAX_LOSS_PCT) },
  { key: 'linkFarPeers', flag: 'link-far-peers', env: 'TAU_LINK_FAR_PEERS', help: 'TESTNET-ONLY: DHT endpoints host:port[,…] reached over the far link below instead', parse: endpoints('link-far-peers') },
  { key: 'linkFarLatencyMs', flag: 'link-far-latency', env: 'TAU_LINK_FAR_LATENCY', help: 'TESTNET-ONLY: delay (MS) of datagrams to --link-far-peers', parse: intIn('link-far-latency', 0, LINK_MAX_LATENCY_MS) },
  { key: 'linkFarJitterMs', flag: 'link-far-jitter', env: 'TAU_LINK_FAR_JITTER', help: 'TESTNET-ONLY: ± MS of jitter on that delay', parse: intIn('link-far-jitter', 0, LINK_MAX_LATENCY_MS) },
  { key: 'linkFarLossPct', flag: 'link-far-loss', env: 'TAU_LINK_FAR_LOSS', help: 'TESTNET-ONLY: PCT % of datagrams to --link-far-peers dropped', parse: intIn('link-far-loss', 0, LINK_MAX_LOSS_PCT) }
]

/**
 * Builds the config. `flags` holds parsed command-line values by flag name (strings or booleans),
 * `env` the process environment, and `configFile` the path from --config (or TAU_CONFIG).
 */
export function loadConfig (flags: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): NodeConfig {
  const cfg: Record<string, unknown> = { ...DEFAULTS }
  const file = (flags.config as string | undefined) ?? env.TAU_CONFIG
  if (file !== undefined) {
    const json = readConfigFile(file)
    for (const k of Object.keys(json)) {
      const s = SETTINGS.find(x => x.key === k || x.flag === k)
      if (s === undefined) throw new NodeError('CONFIG_UNKNOWN_KEY', `config file ${file}: unknown setting "${k}"`)
      cfg[s.key] = s.parse(json[k], `config file ${file}`)
    }
  }
  for (const s of SETTINGS) {
    const v = env[s.env]
    if (v !== undefined && v !== '') cfg[s.key] = s.parse(v, `environment ${s.env}`)
  }
  for (const s of SETTINGS) {
    const v = flags[s.flag]
    if (v !== undefined) cfg[s.key] = s.parse(v, `--${s.flag}`)
  }
  const out = cfg as unknown as NodeConfig
  out.dataDir = resolve(out.dataDir)
  out.genesis = resolve(out.genesis)
  if (out.keyFile !== undefined) out.keyFile = resolve(out.keyFile)
  if (out.keyFile !== undefined && out.devKey !== undefined) {
    throw new NodeError('CONFIG_CONFLICT', 'give either --key-file or --dev-key, not both')
  }
  const far = out.linkFarLatencyMs !== undefined || out.linkFarJitterMs !== undefined || out.linkFarLossPct !== undefined
  const link = far || out.linkFarPeers !== undefined || out.linkLatencyMs !== undefined || out.linkJitterMs !== undefined || out.linkLossPct !== undefined
  // An emulated link makes every figure of a run describe a fake network: never on a real node.
  if (link && env[TESTNET_ENV] !== '1') {
    throw new NodeError('CONFIG_LINK_NOT_TESTNET', `--link-latency, --link-jitter and --link-loss only work under the testnet tool (${TESTNET_ENV}=1)`)
  }
  if (far !== (out.linkFarPeers !== undefined)) {
    throw new NodeError('CONFIG_CONFLICT', '--link-far-peers and --link-far-latency/-jitter/-loss go together')
  }
  if ((out.linkFarJitterMs ?? 0) > (out.linkFarLatencyMs ?? 0)) {
    throw new NodeError('CONFIG_BAD_VALUE', `--link-far-jitter (${out.linkFarJitterMs ?? 0}) must not exceed --link-far-latency (${out.linkFarLatencyMs ?? 0})`)
  }
  if ((out.linkJitterMs ?? 0) > (out.linkLatencyMs ?? 0)) {
    throw new NodeError('CONFIG_BAD_VALUE', `--link-jitter (${out.linkJitterMs ?? 0}) must not exceed --link-latency (${out.linkLatencyMs ?? 0})`)
  }
  return out
}

function readConfigFile (path: string): Record<string, unknown> {
  const json = readJsonFile(path, 'config file', 'CONFIG')
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new NodeError('CONFIG_BAD_JSON', `config file ${path} must hold a JSON object`)
  }
  return json as Record<string, unknown>
}

/** The --help text for `tau-node start`, generated from SETTINGS so it never drifts. */
export function configHelp (): string {
  const flags = SETTINGS.map(s => s.key === 'mine' ? '--mine / --no-mine' : s.key === 'ui' ? '--ui / --no-ui' : s.key === 'reindex' || s.key === 'apiPublic' ? `--${s.flag}` : `--${s.flag} VALUE`)
  // The column is as wide as the longest flag plus a space, so no flag runs into its help text.
  const width = Math.max(...flags.map(f => f.length)) + 1
  const rows = SETTINGS.map((s, i) => {
    const def = DEFAULTS[s.key]
    const shown = def === undefined ? '' : ` [default: ${Array.isArray(def) ? (def.length ? def.join(',') : 'none') : String(def)}]`
    return `  ${flags[i].padEnd(width)}${s.help}${shown}\n  ${''.padEnd(width)}env ${s.env}`
  })
  return rows.join('\n') + `\n  ${'--config FILE'.padEnd(width)}JSON file with any of the settings above (keys as flag names)\n  ${''.padEnd(width)}env TAU_CONFIG`
}
