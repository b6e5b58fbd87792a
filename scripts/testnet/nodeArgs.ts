// The command line and environment of one node process started by the testnet tool.
import { TESTNET_ENV } from '../../node/config.js'
import { linkArgs, linkGroupOf } from './linkSpec.js'
import { LOOPBACK, TESTNET_MALLOC_ARENA_MAX } from './constants.js'
import { preloadJemalloc } from './allocator.js'
import { portsOf } from './ports.js'
import type { Testnet, TestnetNode } from './network.js'

export function nodeArgs (net: Testnet, n: TestnetNode): string[] {
  // In --netns mode a node binds every address (it learns its public one from its peers, BEP 42)
  // and bootstraps through the nodes others can reach (not those behind NAT).
  const layout = net.layout
  const h = layout?.host(n.index)
  const peers = [...net.nodes.filter(o => o !== n && o.inGenesis && layout?.host(o.index).natGroup == null)
    .map(o => `${layout?.host(o.index).publicHost ?? LOOPBACK}:${o.ports.dht}`), ...(net.cfg.extraBootstrap ?? [])]
  return [
    'start', '--data-dir', n.dataDir, '--genesis', net.genesisPath, '--key-file', n.keyFile,
    '--dht-host', h === undefined ? LOOPBACK : '0.0.0.0', '--dht-port', String(n.ports.dht),
    ...(peers.length > 0 ? ['--bootstrap', peers.join(',')] : []),
    '--api-host', h?.address ?? LOOPBACK, '--api-port', String(n.ports.api),
    n.mine ? '--mine' : '--no-mine', '--log-format', 'json', '--log-level', net.cfg.logLevel ?? 'info',
    ...linkArgs(net.cfg.link, farPeers(net, n))
  ]
}

/** The DHT endpoints of the nodes in other link groups ("continents"), as this node sends to them. */
function farPeers (net: Testnet, n: TestnetNode): string[] {
  const groups = net.cfg.link?.groups
  if (groups === undefined) return []
  const g = (i: number): number => linkGroupOf(i, groups, net.cfg.nodes)
  return Array.from({ length: net.capacity }, (_, j) => j)
    .filter(j => g(j) !== g(n.index))
    .map(j => `${net.layout?.host(j).publicHost ?? LOOPBACK}:${portsOf(net.basePort, j).dht}`)
}

/** The environment of a node: ours without TAU_* settings, so only the flags configure it. */
export function nodeEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TAU_')) env[k] = v
  // glibc's per-thread malloc arenas hold 5–10 MB per idle node (docs/operations.md, Memory); it
  // must be in the environment at exec, so the launcher cannot set it. The user's value wins.
  env.MALLOC_ARENA_MAX ??= String(TESTNET_MALLOC_ARENA_MAX)
  // jemalloc when installed, as the container image and the systemd unit run the node (allocator.ts).
  preloadJemalloc(env)
  // Lets a node accept --link-* (an emulated link is refused anywhere else: node/config.ts).
  env[TESTNET_ENV] = '1'
  return env
}
