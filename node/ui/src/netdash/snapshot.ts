// What the dashboard page receives: every node's view, the recent blocks with who saw them when,
// the reorgs, and the propagation figures. Shared by the collector and the page (type only).
export interface DashNode {
  name: string
  /** The node's API base URL; its explorer is at the same address. */
  api: string
  up: boolean
  height: number | null
  tipId: string | null
  peers: number | null
  mining: boolean | null
  syncing: boolean | null
  reorgs: number | null
  /** The node's consensus point (PROTOCOL §6), null before its first one. */
  consensusPoint: { id: string, height: number } | null
  /** The last block this node reported, and how long after the first node to report it. */
  lastBlock: { id: string, height: number, delayMs: number } | null
  error: string | null
}

export interface DashBlock {
  id: string
  parent: string
  height: number
  miner: string
  /** Name of the node whose key mined it, when it is one of ours. */
  minerName: string | null
  time: number
  firstSeenMs: number
  /** Node name → ms after the first report. */
  seenBy: Record<string, number>
}

export interface DashReorg { node: string, depth: number, height: number, oldTip: string, newTip: string, atMs: number }

export interface DashSnapshot {
  nowMs: number
  startedAtMs: number
  nodes: DashNode[]
  blocks: DashBlock[]
  /** The tip most running nodes hold (ties: the higher one). */
  mainTip: string | null
  reorgs: DashReorg[]
  propagation: { p50Ms: number | null, p95Ms: number | null, samples: number }
}
