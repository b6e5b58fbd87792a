// The nodes the dashboard watches: every node of the testnet that was started at least once
// (a node that joins later appears on the next status round).
import type { Testnet } from '../network.js'
import type { DashTarget } from './collector.js'

export function dashboardTargets (net: Testnet): DashTarget[] {
  return net.nodes.filter(n => n.starts > 0).map(n => ({ name: n.name, api: n.api.base, pubkey: n.pubkey }))
}
