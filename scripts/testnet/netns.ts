// --netns: each node in its own Linux network namespace with its own address on a bridge (real
// kernel routing, no loopback shortcut), and with --nat G the last G nodes each behind a home
// router namespace that masquerades (nftables). Partitions become nftables drop rules inside the
// nodes' namespaces. Everything is named `taunet-<pid>-…` (links: `tnh<pid>`), made with iproute2
// and nft, and removed on stop, on process exit and on failure; a run removes the stale sets of
// runs whose pid is gone. Only private addresses, only inside namespaces created here (plus the
// tool's own veth end, so it can reach the APIs); nothing is ever routed anywhere else.
import { execFileSync } from 'node:child_process'
import {
  NETNS_COMMAND_TIMEOUT_MS, NETNS_HOME_NET_PREFIX, NETNS_HUB_NET, NETNS_NODE_HOST_BASE, NETNS_PREFIX,
  NETNS_ROOT_LINK_PREFIX, NETNS_ROUTER_HOST_BASE
} from './constants.js'

export type NetnsErrorCode = 'NETNS_NOT_ROOT' | 'NETNS_NO_IP' | 'NETNS_NO_NFT' | 'NETNS_ADDRESS_IN_USE' | 'NETNS_COMMAND_FAILED'

export class NetnsError extends Error {
  constructor (readonly code: NetnsErrorCode, message: string) {
    super(`${code}: ${message}`)
    this.name = 'NetnsError'
  }
}

function run (cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: NETNS_COMMAND_TIMEOUT_MS, input, stdio: ['pipe', 'pipe', 'pipe'] })
  } catch (e) {
    const err = e as { stderr?: string, message: string }
    throw new NetnsError('NETNS_COMMAND_FAILED', `${cmd} ${args.join(' ')}: ${(err.stderr ?? '').trim() || err.message}`)
  }
}
const ip = (...args: string[]): string => run('ip', args)
const tryRun = (f: () => unknown): void => { try { f() } catch { /* already gone */ } }

function has (cmd: string): boolean {
  try { execFileSync(cmd, ['-V'], { stdio: 'ignore', timeout: NETNS_COMMAND_TIMEOUT_MS }); return true } catch { return false }
}

/** Why --netns cannot run here, or undefined when it can (root, `ip` and `nft`). */
export function netnsMissing (): NetnsError | undefined {
  if (process.getuid?.() !== 0) return new NetnsError('NETNS_NOT_ROOT', '--netns creates network namespaces, veths, a bridge and nftables rules: it must run as root (sudo)')
  if (!has('ip')) return new NetnsError('NETNS_NO_IP', '--netns needs `ip` from iproute2 (Debian: apt-get install iproute2)')
  if (!has('nft')) return new NetnsError('NETNS_NO_NFT', '--netns needs `nft` (Debian: apt-get install nftables)')
  return undefined
}

const pidAlive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

/** Removes the namespaces and root links of earlier runs whose tool process is gone; returns their names. */
export function cleanupStale (): string[] {
  const removed: string[] = []
  const nsRe = new RegExp(`^${NETNS_PREFIX}(\\d+)-\\S+`)
  for (const line of ip('netns', 'list').split('\n')) {
    const m = nsRe.exec(line.trim())
    if (m !== null && !pidAlive(Number(m[1]))) { tryRun(() => ip('netns', 'del', m[0])); removed.push(m[0]) }
  }
  const linkRe = new RegExp(`^\\d+: (${NETNS_ROOT_LINK_PREFIX}(\\d+))[@:]`)
  for (const line of ip('-o', 'link', 'show').split('\n')) {
    const m = linkRe.exec(line)
    if (m !== null && !pidAlive(Number(m[2]))) { tryRun(() => ip('link', 'del', m[1])); removed.push(m[1]) }
  }
  return removed
}

export interface NetnsHost {
  index: number
  ns: string
  /** The node's own address (its only interface besides lo). */
  address: string
  /** The address other nodes see it at: its own, or its router's. */
  publicHost: string
  /** The address the tool reaches its API at (a NAT router forwards the API's TCP port). */
  apiHost: string
  natGroup: number | null
}

export interface NetnsPlan {
  /** Nodes, including spare slots for nodes that join later (never behind NAT). */
  nodes: number
  /** The last `nat` of the first `natOf` nodes go behind one router each. */
  nat: number
  natOf: number
  apiPort: (index: number) => number
}

export class NetnsLayout {
  readonly hosts: NetnsHost[] = []
  private readonly namespaces: string[] = []
  private destroyed = false

  private constructor (readonly tag: string, private readonly rootLink: string) {}

  static create (plan: NetnsPlan): NetnsLayout {
    const missing = netnsMissing()
    if (missing !== undefined) throw missing
    cleanupStale()
    const taken = ip('-4', '-o', 'addr', 'show')
    if (taken.includes(` ${NETNS_HUB_NET}.`)) throw new NetnsError('NETNS_ADDRESS_IN_USE', `${NETNS_HUB_NET}.0/24 is already in use on this machine; --netns needs it for its bridge`)
    const l = new NetnsLayout(`${NETNS_PREFIX}${process.pid}`, `${NETNS_ROOT_LINK_PREFIX}${process.pid}`)
    try {
      l.build(plan)
    } catch (e) {
      l.destroy()
      throw e
    }
    return l
  }

  private addNs (name: string): string {
    const ns = `${this.tag}-${name}`
    ip('netns', 'add', ns)
    this.namespaces.push(ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    return ns
  }

  private build (plan: NetnsPlan): void {
    const hub = this.addNs('hub')
    ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge')
    ip('-n', hub, 'link', 'set', 'br0', 'up')
    // The tool's own end on the bridge (.1): how it reaches the APIs. No forwarding, no NAT here.
    ip('link', 'add', this.rootLink, 'type', 'veth', 'peer', 'name', 'up0', 'netns', hub)
    ip('addr', 'add', `${NETNS_HUB_NET}.1/24`, 'dev', this.rootLink)
    ip('link', 'set', this.rootLink, 'up')
    ip('-n', hub, 'link', 'set', 'up0', 'master', 'br0', 'up')
    const firstNat = plan.natOf - plan.nat
    for (let i = 0; i < plan.nodes; i++) {
      const natted = i >= firstNat && i < plan.natOf
      this.hosts.push(natted ? this.homeNode(hub, i, i - firstNat, plan.apiPort(i)) : this.publicNode(hub, i))
    }
  }

  /** A node straight on the bridge: what everyone sees is its own address. */
  private publicNode (hub: string, i: number): NetnsHost {
    const ns = this.addNs(`n${i}`)
    const address = `${NETNS_HUB_NET}.${NETNS_NODE_HOST_BASE + i}`
    ip('-n', hub, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
    ip('-n', hub, 'link', 'set', `v${i}`, 'master', 'br0', 'up')
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    return { index: i, ns, address, publicHost: address, apiHost: address, natGroup: null }
  }

  /** A node behind its own home router: masquerade out, only replies (and the API port) in. */
  private homeNode (hub: string, i: number, g: number, apiPort: number): NetnsHost {
    const router = this.addNs(`r${g}`)
    const ns = this.addNs(`n${i}`)
    const wan = `${NETNS_HUB_NET}.${NETNS_ROUTER_HOST_BASE + g}`
    const gw = `${NETNS_HOME_NET_PREFIX}.${g}.1`
    const address = `${NETNS_HOME_NET_PREFIX}.${g}.2`
    ip('-n', hub, 'link', 'add', `w${g}`, 'type', 'veth', 'peer', 'name', 'wan', 'netns', router)
    ip('-n', hub, 'link', 'set', `w${g}`, 'master', 'br0', 'up')
    ip('-n', router, 'addr', 'add', `${wan}/24`, 'dev', 'wan')
    ip('-n', router, 'link', 'set', 'wan', 'up')
    ip('-n', router, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
    ip('-n', router, 'addr', 'add', `${gw}/24`, 'dev', 'lan')
    ip('-n', router, 'link', 'set', 'lan', 'up')
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    ip('-n', ns, 'route', 'add', 'default', 'via', gw)
    run('ip', ['netns', 'exec', router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'])
    run('ip', ['netns', 'exec', router, 'nft', '-f', '-'], routerRules(address, apiPort))
    return { index: i, ns, address, publicHost: wan, apiHost: wan, natGroup: g }
  }

  /** The command prefix that runs a program inside node i's namespace. */
  execPrefix (i: number): string[] {
    return ['ip', 'netns', 'exec', this.host(i).ns]
  }

  host (i: number): NetnsHost {
    const h = this.hosts[i]
    if (h === undefined) throw new RangeError(`no netns host ${i}`)
    return h
  }

  /** Each group's nodes drop all UDP to and from the public addresses of every other group. */
  partition (groups: number[][]): void {
    groups.forEach((g, gi) => {
      const others = groups.filter((_, j) => j !== gi).flat().map(i => this.host(i).publicHost)
      for (const i of g) run('ip', ['netns', 'exec', this.host(i).ns, 'nft', '-f', '-'], partitionRules(others))
    })
  }

  heal (): void {
    for (const h of this.hosts) tryRun(() => run('ip', ['netns', 'exec', h.ns, 'nft', 'delete', 'table', 'inet', 'taupart']))
  }

  /** Deletes every namespace (and with them their veths, bridge and nft tables) and the root link. Idempotent, synchronous. */
  destroy (): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const ns of [...this.namespaces].reverse()) tryRun(() => ip('netns', 'del', ns))
    tryRun(() => ip('link', 'del', this.rootLink))
  }
}

function routerRules (node: string, apiPort: number): string {
  return `table ip taunat {
  chain tau_pre {
    type nat hook prerouting priority dstnat;
    iifname "wan" tcp dport ${apiPort} dnat to ${node}
  }
  chain tau_post {
    type nat hook postrouting priority srcnat;
    oifname "wan" masquerade
  }
  chain tau_fwd {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "lan" oifname "wan" accept
    iifname "wan" ip daddr ${node} tcp dport ${apiPort} accept
  }
}
`
}

function partitionRules (others: string[]): string {
  const set = `{ ${others.join(', ')} }`
  return `table inet taupart {
  chain tau_in {
    type filter hook input priority filter;
    ip saddr ${set} meta l4proto udp drop
  }
  chain tau_out {
    type filter hook output priority filter;
    ip daddr ${set} meta l4proto udp drop
  }
}
`
}
