// The emulated link of a testnet (--link-*): one link for every node, optionally a different one
// between groups of nodes ("continents"), and the node flags that set it up (dht/link.ts).
import { LINK_MAX_LATENCY_MS, LINK_MAX_LOSS_PCT } from '../../dht/constants.js'
import { ArgsError } from './argsError.js'

export interface LinkSettings { latencyMs: number, jitterMs: number, lossPct: number }

export interface LinkSpec extends LinkSettings {
  /** Nodes split into this many groups; datagrams between groups use `between`. */
  groups?: number
  between?: LinkSettings
}

/** Most link groups (continents). */
export const MAX_LINK_GROUPS = 8

function whole (name: string, v: string | undefined, max: number): number {
  if (v === undefined) return 0
  const n = Number(v)
  if (!/^\d+$/.test(v) || n > max) throw new ArgsError(`--${name} must be a whole number in [0, ${max}], got "${v}"`)
  return n
}

function settings (prefix: string, v: Record<string, string | string[] | boolean | undefined>): LinkSettings | undefined {
  const [lat, jit, loss] = ['latency', 'jitter', 'loss'].map(k => v[`${prefix}-${k}`] as string | undefined)
  if (lat === undefined && jit === undefined && loss === undefined) return undefined
  const latencyMs = whole(`${prefix}-latency`, lat, LINK_MAX_LATENCY_MS)
  const jitterMs = whole(`${prefix}-jitter`, jit, LINK_MAX_LATENCY_MS)
  if (jitterMs > latencyMs) throw new ArgsError(`--${prefix}-jitter (${jitterMs}) must not exceed --${prefix}-latency (${latencyMs})`)
  const lossPct = loss === undefined ? 0 : Number(loss)
  if (loss !== undefined && (!/^\d+(\.\d+)?$/.test(loss) || lossPct > LINK_MAX_LOSS_PCT)) {
    throw new ArgsError(`--${prefix}-loss must be a number in [0, ${LINK_MAX_LOSS_PCT}], got "${loss}"`)
  }
  return { latencyMs, jitterMs, lossPct }
}

/** The link options of the command line, or undefined when none is given. */
export function parseLinkSpec (v: Record<string, string | string[] | boolean | undefined>): LinkSpec | undefined {
  const near = settings('link', v)
  const between = settings('link-between', v)
  const g = v['link-groups'] as string | undefined
  const groups = g === undefined ? undefined : whole('link-groups', g, MAX_LINK_GROUPS)
  if (groups !== undefined && groups < 2) throw new ArgsError('--link-groups must be at least 2')
  if ((groups === undefined) !== (between === undefined)) throw new ArgsError('--link-groups and --link-between-* go together')
  if (near === undefined && between === undefined) return undefined
  return { ...(near ?? { latencyMs: 0, jitterMs: 0, lossPct: 0 }), ...(groups !== undefined ? { groups, between } : {}) }
}

/** Node i's link group (contiguous blocks of the genesis nodes; later nodes join the last group). */
export function linkGroupOf (i: number, groups: number, nodes: number): number {
  return Math.min(groups - 1, Math.floor(i * groups / nodes))
}

/** The node flags of an emulated link; `farPeers` are the DHT endpoints of the other groups' nodes. */
export function linkArgs (link: LinkSpec | undefined, farPeers: string[] = []): string[] {
  if (link === undefined) return []
  const out = ['--link-latency', String(link.latencyMs), '--link-jitter', String(link.jitterMs), '--link-loss', String(link.lossPct)]
  const b = link.between
  if (b !== undefined && farPeers.length > 0) {
    out.push('--link-far-peers', farPeers.join(','), '--link-far-latency', String(b.latencyMs), '--link-far-jitter', String(b.jitterMs), '--link-far-loss', String(b.lossPct))
  }
  return out
}
