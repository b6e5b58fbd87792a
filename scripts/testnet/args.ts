// Command-line options of `npm run testnet` / `tau-node testnet`. Pure: argv in, options or a usage error out.
import { parseArgs } from 'node:util'
import { MIN_BLOCK_TIME_S } from '../../chain/constants.js'
import { DEFAULT_DASHBOARD_PORT } from './dashboard/constants.js'
import { LINK_MAX_LOSS_PCT } from '../../dht/constants.js'
import { ArgsError } from './argsError.js'
import { type LinkSpec, parseLinkSpec } from './linkSpec.js'
import {
  DEFAULT_BLOCKS, DEFAULT_BLOCK_TIME_S, DEFAULT_MUTABLE_RANGE, DEFAULT_NODES, DEFAULT_TX_RATE_PER_S,
  MAX_NODES, MAX_TX_RATE_PER_S, PORTS_PER_NODE
} from './constants.js'

export const SCENARIOS = ['kill', 'restart', 'join', 'partition', 'tx-load'] as const
export type ScenarioName = typeof SCENARIOS[number]

export interface TestnetArgs {
  nodes: number
  blockTime: number
  mutableRange: number
  /** Run until the converged height reaches this… */
  blocks?: number
  /** …or for this many seconds (exactly one of the two is set). */
  durationS?: number
  basePort?: number
  dir?: string
  keep: boolean
  json: boolean
  scenarios: ScenarioName[]
  seed?: string
  txRate: number
  /** Serve the network dashboard on this port of 127.0.0.1 (0: any free port). */
  dashboard?: number
  /** Emulated delay, jitter and loss on every node's outgoing DHT datagrams (docs/testnet.md). */
  link?: LinkSpec
  /** Each node in its own network namespace (root); `nat` of them behind a home router each. */
  netns?: boolean
  nat?: number
  help: boolean
}

export type { LinkSpec } from './linkSpec.js'

export { ArgsError }

export const HELP = `Usage: npm run testnet -- [options]      (or: tau-node testnet [options])

Starts a local multi-miner TAU testnet on 127.0.0.1: one key and one data dir per node, a fresh
genesis funding every node with a different power, N node processes bootstrapped to each other.
Shows a live table of each node's height, tip, peers, mined blocks and sync state, runs the chosen
scenarios, checks that every node ends on the same tip hash, and prints a summary.

Options:
  --nodes N            number of nodes [default: ${DEFAULT_NODES}, at most ${MAX_NODES}]
  --block-time S       genesis blockTime in seconds, ≥ ${MIN_BLOCK_TIME_S} [default: ${DEFAULT_BLOCK_TIME_S}]
  --mutable-range M    genesis mutableRange in blocks [default: ${DEFAULT_MUTABLE_RANGE}]
  --blocks B           run until all nodes agree on a tip at height ≥ B [default: ${DEFAULT_BLOCKS}]
  --duration S         run for S seconds instead of a number of blocks
  --base-port P        node i uses DHT port P+${PORTS_PER_NODE}i (UDP) and API port P+${PORTS_PER_NODE}i+1 (TCP)
                       [default: the first free block from 27100]
  --dir D              parent directory of the data dirs [default: a new temp dir]
  --keep               keep the data dirs and logs (they are always kept after a failure)
  --json               one JSON line per progress tick and event, then a JSON summary
  --scenario NAME      run a scenario; repeatable, in order: ${SCENARIOS.join(', ')}
  --seed X             deterministic keys: secret key i = SHA-256(utf8(X) ‖ uint32be(i))
  --tx-rate R          transfers per second for the tx-load scenario [default: ${DEFAULT_TX_RATE_PER_S}]
  --dashboard [PORT]   serve a live web page of every node, a block timeline with forks and reorgs,
                       and propagation p50/p95 on http://127.0.0.1:PORT/ [default port: ${DEFAULT_DASHBOARD_PORT}]
  --link-latency MS    emulate a link: delay every outgoing DHT datagram of every node by MS
                       (in the node's own UDP layer; shown in each node's /status as emulated)
  --link-jitter MS     ± MS of uniform jitter on that delay (≤ --link-latency; reorders datagrams)
  --link-loss PCT      drop PCT % of every node's outgoing DHT datagrams [at most ${LINK_MAX_LOSS_PCT}]
  --link-groups G      split the nodes in G groups ("continents": node i in group ⌊i·G/N⌋) whose
                       datagrams to each other use the --link-between-* link instead
  --link-between-latency MS, --link-between-jitter MS, --link-between-loss PCT
                       the link between groups (with --link-groups)
  --netns              each node in its own Linux network namespace with its own address on a bridge
                       (10.213.0.0/24; needs root, ip and nft; removed on exit, Ctrl-C and failure)
  --nat G              with --netns: the last G nodes each behind its own home router (masquerading,
                       10.214.g.0/24); partitions become nftables drop rules [default: 0]
  --help               this text

Scenarios:
  kill       SIGKILL a node, restart it on its data dir after a while, wait until it catches up
  restart    stop a node gracefully (SIGTERM, expect exit 0), restart it, wait until it catches up
  join       start a new empty non-mining node mid-run; it syncs (voting on an empty chain)
  partition  split the nodes in two groups whose DHTs drop each other's UDP traffic, both keep
             mining and receive transfers; heal; all agree and no transfer is lost
  tx-load    send a steady stream of signed transfers through the REST API; count the mined ones

Exit status: 0 when every scenario passed and the nodes converged, 1 on a failure (the data dirs are
kept and every node's tip and last log lines are printed), 2 on a usage error, 130 on Ctrl-C.`

function int (name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v)) throw new ArgsError(`--${name} must be a whole number, got "${v}"`)
  const n = Number(v)
  if (n < min || n > max) throw new ArgsError(`--${name} must be between ${min} and ${max}, got ${n}`)
  return n
}

/** `--dashboard` takes an optional port: the next word when it is a number, or `--dashboard=PORT`. */
function takeDashboard (argv: string[]): { rest: string[], port?: string } {
  const rest: string[] = []
  let port: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--dashboard') {
      const next = argv[i + 1]
      if (next !== undefined && /^\d+$/.test(next)) { port = next; i++ } else port = String(DEFAULT_DASHBOARD_PORT)
    } else if (a.startsWith('--dashboard=')) port = a.slice('--dashboard='.length)
    else rest.push(a)
  }
  return { rest, port }
}

export function parseTestnetArgs (argv: string[]): TestnetArgs {
  const dash = takeDashboard(argv)
  argv = dash.rest
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: 'string' },
        'block-time': { type: 'string' },
        'mutable-range': { type: 'string' },
        blocks: { type: 'string' },
        duration: { type: 'string' },
        'base-port': { type: 'string' },
        dir: { type: 'string' },
        keep: { type: 'boolean' },
        json: { type: 'boolean' },
        scenario: { type: 'string', multiple: true },
        seed: { type: 'string' },
        'tx-rate': { type: 'string' },
        'link-latency': { type: 'string' },
        'link-jitter': { type: 'string' },
        'link-loss': { type: 'string' },
        'link-groups': { type: 'string' },
        'link-between-latency': { type: 'string' },
        'link-between-jitter': { type: 'string' },
        'link-between-loss': { type: 'string' },
        netns: { type: 'boolean' },
        nat: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (e) {
    throw new ArgsError((e as Error).message)
  }
  const v = parsed.values
  const nodes = int('nodes', v.nodes, 1, MAX_NODES) ?? DEFAULT_NODES
  const blockTime = int('block-time', v['block-time'], MIN_BLOCK_TIME_S, 3600) ?? DEFAULT_BLOCK_TIME_S
  const mutableRange = int('mutable-range', v['mutable-range'], 1, 10_000) ?? DEFAULT_MUTABLE_RANGE
  if (v.blocks !== undefined && v.duration !== undefined) throw new ArgsError('give either --blocks or --duration, not both')
  const durationS = int('duration', v.duration, 1, 7 * 24 * 3600)
  const blocks = int('blocks', v.blocks, 1, 1_000_000) ?? (durationS === undefined ? DEFAULT_BLOCKS : undefined)
  const scenarios: ScenarioName[] = []
  for (const raw of v.scenario ?? []) {
    for (const name of raw.split(',').map(s => s.trim()).filter(s => s !== '')) {
      if (!(SCENARIOS as readonly string[]).includes(name)) {
        throw new ArgsError(`unknown scenario "${name}"; choose from ${SCENARIOS.join(', ')}`)
      }
      scenarios.push(name as ScenarioName)
    }
  }
  const needsTwo = scenarios.filter(s => s === 'kill' || s === 'restart' || s === 'partition')
  if (needsTwo.length > 0 && nodes < 2) throw new ArgsError(`scenario ${needsTwo[0]} needs at least 2 nodes`)
  const extra = scenarios.filter(s => s === 'join').length
  const portsNeeded = (nodes + extra) * PORTS_PER_NODE
  const basePort = int('base-port', v['base-port'], 1024, 65535 - portsNeeded + 1)
  if (v.seed !== undefined && v.seed.length === 0) throw new ArgsError('--seed must not be empty')
  if (v.dir !== undefined && v.dir.length === 0) throw new ArgsError('--dir must not be empty')
  let txRate = DEFAULT_TX_RATE_PER_S
  if (v['tx-rate'] !== undefined) {
    txRate = Number(v['tx-rate'])
    if (!/^\d+(\.\d+)?$/.test(v['tx-rate']) || txRate <= 0 || txRate > MAX_TX_RATE_PER_S) {
      throw new ArgsError(`--tx-rate must be a number in (0, ${MAX_TX_RATE_PER_S}], got "${v['tx-rate']}"`)
    }
  }
  let dashboard: number | undefined
  if (dash.port !== undefined) {
    if (!/^\d+$/.test(dash.port)) throw new ArgsError(`--dashboard port must be a whole number, got "${dash.port}"`)
    dashboard = int('dashboard', dash.port, 0, 65535)
  }
  const link = parseLinkSpec(v)
  const netns = v.netns === true
  const nat = int('nat', v.nat, 0, MAX_NODES) ?? 0
  if (nat > 0 && !netns) throw new ArgsError('--nat needs --netns (NAT routers are network namespaces)')
  if (nat >= nodes) throw new ArgsError(`--nat ${nat} must leave at least one node outside NAT (of --nodes ${nodes}): the others bootstrap through it`)
  return {
    dashboard, nodes, blockTime, mutableRange, blocks, durationS, basePort, dir: v.dir,
    keep: v.keep === true, json: v.json === true, scenarios, seed: v.seed, txRate, link, netns, nat, help: v.help === true
  }
}
